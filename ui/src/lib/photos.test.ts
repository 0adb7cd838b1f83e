import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BackendError, setTransport, type Transport } from './backend'
import { attachmentUrl, blobToBase64, clearAttachmentCache, isPhotoMime, PhotoError, storePhoto, storePng } from './photos'

const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const PNG_BASE64 = 'iVBORw0KGgo='

/** A fake backend: add_attachment answers with a made-up sha256, get_attachment from `stored`. */
function fakeBackend(stored: Record<string, { mime: string; dataBase64: string }> = {}) {
  const call = vi.fn(async (name: string, args: Record<string, string>) => {
    if (name === 'add_attachment') return { sha256: `sha-of-${args.dataBase64}`, mime: args.mime, size: 1 }
    if (name === 'get_attachment') {
      const a = stored[args.sha256!]
      if (!a) throw new BackendError('not_found', 'no such attachment')
      return a
    }
    throw new Error(`unexpected call ${name}`)
  })
  setTransport({ call } as unknown as Transport)
  return call
}

beforeEach(() => clearAttachmentCache())
afterEach(() => {
  setTransport(undefined)
  vi.unstubAllGlobals()
})

describe('photo formats', () => {
  it('the backend keeps JPEG, PNG and WebP', () => {
    expect(isPhotoMime('image/jpeg')).toBe(true)
    expect(isPhotoMime('image/png')).toBe(true)
    expect(isPhotoMime('image/webp')).toBe(true)
    expect(isPhotoMime('image/heic')).toBe(false)
    expect(isPhotoMime('text/plain')).toBe(false)
  })

  it('encodes bytes as base64, also past one chunk', async () => {
    expect(await blobToBase64(new Blob([PNG_BYTES]))).toBe(PNG_BASE64)
    const big = new Uint8Array(100_000).map((_, i) => i % 251)
    expect(await blobToBase64(new Blob([big]))).toBe(Buffer.from(big).toString('base64'))
  })
})

describe('storePhoto', () => {
  it('sends a PNG as it is, and its thumbnail needs no second read', async () => {
    const call = fakeBackend()
    const ref = await storePhoto(new File([PNG_BYTES], '现场.png', { type: 'image/png' }))
    expect(call).toHaveBeenCalledExactlyOnceWith('add_attachment', { mime: 'image/png', dataBase64: PNG_BASE64 })
    expect(await attachmentUrl(ref.sha256)).toBe(`data:image/png;base64,${PNG_BASE64}`)
    expect(call).toHaveBeenCalledTimes(1)
  })

  it('converts another picture the browser can draw to a JPEG, at most 2048 px on its longest side', async () => {
    const drawImage = vi.fn()
    const canvas = {
      width: 0,
      height: 0,
      getContext: () => ({ drawImage }),
      toBlob: (done: (b: Blob | null) => void, mime: string) => done(new Blob([new Uint8Array([1, 2, 3])], { type: mime })),
    }
    const close = vi.fn()
    vi.stubGlobal('createImageBitmap', async () => ({ width: 4096, height: 3072, close }))
    vi.stubGlobal('document', { createElement: () => canvas })
    const call = fakeBackend()

    await storePhoto(new File([PNG_BYTES], 'IMG_0001.HEIC', { type: 'image/heic' }))
    expect([canvas.width, canvas.height]).toEqual([2048, 1536])
    expect(drawImage).toHaveBeenCalledOnce()
    expect(close).toHaveBeenCalledOnce()
    expect(call).toHaveBeenCalledExactlyOnceWith('add_attachment', { mime: 'image/jpeg', dataBase64: 'AQID' })
  })

  it('refuses a file that is not a picture, in Chinese, without calling the backend', async () => {
    vi.stubGlobal('createImageBitmap', async () => {
      throw new DOMException('The source image could not be decoded.', 'InvalidStateError')
    })
    const call = fakeBackend()
    const attempt = storePhoto(new File(['x'], '记录.txt', { type: 'text/plain' }))
    await expect(attempt).rejects.toBeInstanceOf(PhotoError)
    await expect(attempt).rejects.toThrow('“记录.txt”不是 JPEG、PNG 或 WebP 格式的照片')
    expect(call).not.toHaveBeenCalled()
  })

  it('says so when a picture cannot be converted', async () => {
    vi.stubGlobal('createImageBitmap', async () => ({ width: 10, height: 10, close: () => {} }))
    vi.stubGlobal('document', {
      createElement: () => ({ getContext: () => null, toBlob: (done: (b: Blob | null) => void) => done(null) }),
    })
    fakeBackend()
    await expect(storePhoto(new File(['x'], 'a.bmp', { type: 'image/bmp' }))).rejects.toThrow('“a.bmp”无法转换为照片格式')
  })
})

describe('storePng (signatures)', () => {
  it('sends the blob as a PNG', async () => {
    const call = fakeBackend()
    await storePng(new Blob([PNG_BYTES], { type: 'image/png' }))
    expect(call).toHaveBeenCalledExactlyOnceWith('add_attachment', { mime: 'image/png', dataBase64: PNG_BASE64 })
  })
})

describe('attachmentUrl', () => {
  it('reads an attachment once and shares the answer', async () => {
    const call = fakeBackend({ abc: { mime: 'image/jpeg', dataBase64: '/9j/' } })
    const [a, b] = await Promise.all([attachmentUrl('abc'), attachmentUrl('abc')])
    expect(a).toBe('data:image/jpeg;base64,/9j/')
    expect(b).toBe(a)
    expect(await attachmentUrl('abc')).toBe(a)
    expect(call).toHaveBeenCalledExactlyOnceWith('get_attachment', { sha256: 'abc' })
  })

  it('forgets a failed read, so the next one tries again', async () => {
    const stored: Record<string, { mime: string; dataBase64: string }> = {}
    const call = fakeBackend(stored)
    await expect(attachmentUrl('late')).rejects.toBeInstanceOf(BackendError)
    stored.late = { mime: 'image/png', dataBase64: PNG_BASE64 }
    expect(await attachmentUrl('late')).toBe(`data:image/png;base64,${PNG_BASE64}`)
    expect(call).toHaveBeenCalledTimes(2)
  })
})
