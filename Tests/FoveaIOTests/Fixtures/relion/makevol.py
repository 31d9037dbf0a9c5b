# Box-24 test volume: three Gaussian blobs of different sizes/heights (no symmetry), 2.0 Å/voxel.
import numpy as np, struct
n, apix = 24, 2.0
z, y, x = np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing='ij')
def blob(cx, cy, cz, s, a):
    return a * np.exp(-((x - cx)**2 + (y - cy)**2 + (z - cz)**2) / (2 * s * s))
v = (blob(12, 12, 12, 3.0, 1.0) + blob(16, 12, 11, 1.5, 0.8) + blob(10, 7, 14, 1.2, 0.6)).astype(np.float32)
h = bytearray(1024)
struct.pack_into('<3ii3i3i3f3f3i3fii', h, 0, n, n, n, 2, 0, 0, 0, n, n, n, n*apix, n*apix, n*apix,
                 90, 90, 90, 1, 2, 3, v.min(), v.max(), v.mean(), 1, 0)
h[208:212] = b'MAP '; h[212] = 0x44; h[213] = 0x44
struct.pack_into('<f', h, 216, v.std())
open('vol.mrc', 'wb').write(bytes(h) + v.tobytes())
