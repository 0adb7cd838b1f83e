"""Writes the sample signatures (transparent PNGs like the app's signature pad) as base64.

Run once; the samples' JSON embeds the output. Pure Python so it needs nothing installed."""
import base64, math, struct, sys, zlib

def png(width, height, alpha):
    rows = b"".join(b"\x00" + bytes(v for a in alpha[y * width:(y + 1) * width] for v in (20, 20, 60, a))
                    for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))

def signature(seed, width=360, height=120):
    alpha = [0] * (width * height)
    def dot(x, y):
        for dx in range(-2, 3):
            for dy in range(-2, 3):
                if dx * dx + dy * dy <= 5:
                    px, py = int(x) + dx, int(y) + dy
                    if 0 <= px < width and 0 <= py < height:
                        alpha[py * width + px] = 255
    for stroke in range(3):
        x0 = 40 + stroke * 100
        for i in range(400):
            t = i / 400
            x = x0 + 80 * t + 12 * math.sin(t * (7 + seed) + stroke)
            y = 60 + 35 * math.sin(t * (9 + seed * 2) + stroke * 1.7) * (1 - 0.5 * t)
            dot(x, y)
    return base64.b64encode(png(width, height, alpha)).decode()

for seed in map(int, sys.argv[1:]):
    print(signature(seed))
