// Photos and signature images, for every feature: a picked file (camera or file picker) or a
// signature's PNG becomes an attachment (add_attachment); an attachment is read back by sha256
// as a data: URL, once per session (attachments never change), through one cache.

import { addAttachment, getAttachment, type AttachmentMime, type AttachmentRef } from './backend'

/** The formats the backend keeps; anything else is converted to JPEG first. */
export const PHOTO_MIMES: readonly AttachmentMime[] = ['image/jpeg', 'image/png', 'image/webp']
/** Longest side of a photo that had to be converted (a format the backend does not take). */
export const CONVERT_MAX_SIDE = 2048
const JPEG_QUALITY = 0.88

export function isPhotoMime(mime: string): mime is AttachmentMime {
  return (PHOTO_MIMES as readonly string[]).includes(mime)
}

/**
 * A chosen file that cannot become a photo (not a picture, unreadable, not convertible).
 * The message is Chinese, for the inspector as it is; anything else thrown is a BackendError.
 */
export class PhotoError extends Error {}

function notAPhoto(file: File): PhotoError {
  return new PhotoError(`“${file.name}”不是 JPEG、PNG 或 WebP 格式的照片，无法添加。`)
}

/** The bytes of a blob as base64. */
export async function blobToBase64(blob: Blob): Promise<string> {
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await blob.arrayBuffer())
  } catch {
    throw new PhotoError('照片文件无法读取，请重新选择。')
  }
  let binary = ''
  const CHUNK = 0x8000
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  }
  return btoa(binary)
}

/** A canvas as an image blob (null when the browser cannot encode it). */
export function canvasToBlob(canvas: HTMLCanvasElement, mime: string, quality?: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, mime, quality))
}

/** A picture in a format the backend refuses (HEIC from some phones, BMP…) as a JPEG, if the browser can draw it. */
async function convertToJpeg(file: File): Promise<Blob> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    throw notAPhoto(file)
  }
  const scale = Math.min(1, CONVERT_MAX_SIDE / Math.max(bitmap.width, bitmap.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(bitmap.width * scale)
  canvas.height = Math.round(bitmap.height * scale)
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  bitmap.close()
  const blob = await canvasToBlob(canvas, 'image/jpeg', JPEG_QUALITY)
  if (!blob) throw new PhotoError(`“${file.name}”无法转换为照片格式，请换一张。`)
  return blob
}

/** Sends an image to add_attachment; what was sent is what a thumbnail would read back. */
async function store(mime: AttachmentMime, blob: Blob): Promise<AttachmentRef> {
  const data = await blobToBase64(blob)
  const ref = await addAttachment(mime, data)
  cache.set(ref.sha256, Promise.resolve(`data:${mime};base64,${data}`))
  return ref
}

/**
 * Stores one picked photo file as an attachment. JPEG, PNG and WebP go as they are; any other
 * file is converted to JPEG if the browser can draw it (HEIC, BMP…), and refused if not.
 * Rejects with PhotoError (Chinese message) or BackendError.
 */
export async function storePhoto(file: File): Promise<AttachmentRef> {
  if (isPhotoMime(file.type)) return store(file.type, file)
  return store('image/jpeg', await convertToJpeg(file))
}

/** Stores a PNG blob (a signature drawn on a canvas) as an attachment. */
export function storePng(blob: Blob): Promise<AttachmentRef> {
  return store('image/png', blob)
}

const cache = new Map<string, Promise<string>>()

/** A data: URL for an attachment, read once per session; a failed read is tried again next time. */
export function attachmentUrl(sha256: string): Promise<string> {
  let url = cache.get(sha256)
  if (!url) {
    url = getAttachment(sha256).then((a) => `data:${a.mime};base64,${a.dataBase64}`)
    url.catch(() => cache.delete(sha256))
    cache.set(sha256, url)
  }
  return url
}

/** Forgets every cached URL (unit tests). */
export function clearAttachmentCache(): void {
  cache.clear()
}
