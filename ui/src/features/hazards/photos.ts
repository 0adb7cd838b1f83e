// Photos of a re-inspection: files the inspector picks (or takes with the camera) become
// attachments; thumbnails are read back by sha256 once per session (attachments never change).

import { addAttachment, getAttachment, type AttachmentMime, type AttachmentRef } from '../../lib/backend'

const ACCEPTED: readonly string[] = ['image/jpeg', 'image/png', 'image/webp']
/** Longest side of a photo that had to be converted (a format the backend does not take). */
const CONVERT_MAX_SIDE = 2048

export class PhotoError extends Error {}

function readAsBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(new PhotoError('照片文件无法读取，请重新选择。'))
    reader.readAsDataURL(blob)
  })
}

/** A picture in a format the backend refuses (HEIC from some phones, BMP…) as a JPEG, if the browser can draw it. */
async function convertToJpeg(file: File): Promise<Blob> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    throw new PhotoError(`“${file.name}”不是可以识别的照片，请选择 JPEG、PNG 或 WebP 格式的照片。`)
  }
  const scale = Math.min(1, CONVERT_MAX_SIDE / Math.max(bitmap.width, bitmap.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(bitmap.width * scale)
  canvas.height = Math.round(bitmap.height * scale)
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  bitmap.close()
  const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.88))
  if (!blob) throw new PhotoError(`“${file.name}”无法转换为照片格式，请换一张。`)
  return blob
}

/** Stores one picked file as an attachment; returns its reference. Rejects with PhotoError or BackendError. */
export async function storePhoto(file: File): Promise<AttachmentRef> {
  const blob: Blob = ACCEPTED.includes(file.type) ? file : await convertToJpeg(file)
  const mime = (ACCEPTED.includes(blob.type) ? blob.type : 'image/jpeg') as AttachmentMime
  const data = await readAsBase64(blob)
  const ref = await addAttachment(mime, data)
  // What was just sent is what a thumbnail would read back.
  cache.set(ref.sha256, Promise.resolve(`data:${mime};base64,${data}`))
  return ref
}

const cache = new Map<string, Promise<string>>()

/** A data: URL for the attachment, read once per session. */
export function photoUrl(sha256: string): Promise<string> {
  let p = cache.get(sha256)
  if (!p) {
    p = getAttachment(sha256).then((a) => `data:${a.mime};base64,${a.dataBase64}`)
    p.catch(() => cache.delete(sha256))
    cache.set(sha256, p)
  }
  return p
}
