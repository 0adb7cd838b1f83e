// Photos and signature images: files and canvases to attachments, attachments to data URLs.

import { addAttachment, getAttachment, type AttachmentMime, type AttachmentRef } from '../../lib/backend'

export const PHOTO_MIMES: readonly AttachmentMime[] = ['image/jpeg', 'image/png', 'image/webp']

export function isPhotoMime(mime: string): mime is AttachmentMime {
  return (PHOTO_MIMES as readonly string[]).includes(mime)
}

/** The base64 part of a data URL ("data:image/png;base64,AAAA" → "AAAA"). */
export function base64OfDataUrl(dataUrl: string): string {
  const comma = dataUrl.indexOf(',')
  return comma < 0 ? '' : dataUrl.slice(comma + 1)
}

function readAsDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error ?? new Error('读取文件失败'))
    reader.readAsDataURL(blob)
  })
}

/** Thrown (as a plain Error with Chinese text) when a chosen file is not a photo we can keep. */
export class PhotoRejected extends Error {}

/** Stores a photo file (camera or file picker) as an attachment. */
export async function storePhoto(file: File): Promise<AttachmentRef> {
  if (!isPhotoMime(file.type)) {
    throw new PhotoRejected(`“${file.name}”不是 JPEG、PNG 或 WebP 格式的照片，无法添加。`)
  }
  const dataUrl = await readAsDataUrl(file)
  const ref = await addAttachment(file.type, base64OfDataUrl(dataUrl))
  cache.set(ref.sha256, Promise.resolve(dataUrl))
  return ref
}

/** Stores a PNG blob (a signature) as an attachment. */
export async function storePng(blob: Blob): Promise<AttachmentRef> {
  return addAttachment('image/png', base64OfDataUrl(await readAsDataUrl(blob)))
}

const cache = new Map<string, Promise<string>>()

/** A data URL for an attachment, read once per session. */
export function attachmentUrl(sha256: string): Promise<string> {
  let url = cache.get(sha256)
  if (!url) {
    url = getAttachment(sha256).then((a) => `data:${a.mime};base64,${a.dataBase64}`)
    url.catch(() => cache.delete(sha256))
    cache.set(sha256, url)
  }
  return url
}
