#!/usr/bin/env python3
"""An independent humanoid particle set made by RELION's projector and CTF (relion_project), not by Fovea.

usage: make_data.py MAPS_DIR OUT_DIR PARTICLES SNR SEED white|realistic [SCENARIO]

MAPS_DIR is a `fovea simulate --scenario 1` map folder (state_H01…H04, softmask_arm_hand_focus_A.mrc).
Per particle (numpy, seeded): a uniform random view, shifts uniform in ±7.86 Å, defocus uniform in
8,000 … 25,000 Å with 300 Å of astigmatism at a random angle, and each side's arm (lowered/raised) a fair
coin drawn independently, which picks the whole-body state map H01 (A lowered, B lowered), H02 (A lowered,
B raised), H03 (A raised, B lowered) or H04 (both raised). Each state's particles are projected by
`relion_project --ctf` (no noise, no B-factor), and the stacks are merged in particle order.

Noise is added here with numpy after the noiseless projection. SNR as Fovea's simulator defines it: the
variance over the whole box of each particle's noiseless CTF-modulated image, averaged over the data set
(S), over the per-pixel noise variance σ² = S / SNR. `white`: Gaussian white noise σ. `realistic`: each
particle's signal × exp(0.3·g − 0.045) (contrast, g standard normal), per micrograph of 100 particles the
noise σ × exp(0.3·g − 0.045) and coloured by exp(−b·|k|²/4) with b uniform in 0 … 400 Å² (variance kept),
then every image minus the mean and over the SD of its pixels outside the radius 0.375·box (what
`relion_preprocess --norm` does with its default background radius); particles.star gets
rlnMicrographName. The SNR stays that of a particle of contrast 1 on a micrograph of noise factor 1.
Both kinds draw from one seeded stream in the same order, so a white and a realistic set of one seed share
views, defoci, states and the underlying Gaussian noise draws (a paired comparison).

Writes OUT_DIR/particles.mrcs, particles.star (RELION 3.1), truth.star (`fovea kappa --truth`),
ceiling.star (the ideal-observer ceiling per asymmetric unit, which `fovea kappa --ceiling` reads beside
truth.star) and data.json. Ceiling: for each particle and side, the two hypotheses differ by the side's
arm + hand; their difference under the soft focus mask (side A: softmask_arm_hand_focus_A, side B: its C2
image) is projected by relion_project --ctf at the particle's view and CTF, scaled by its contrast, and
whitened by the noise actually added (σ, micrograph factor and colour): separation d = ‖whitened
difference‖, expected accuracy Φ(d/2) (the observer knows view, CTF, noise and the other side).
"""
import json
import math
import os
import subprocess
import sys

import numpy as np

BOX_SHIFT_RANGE = 7.86           # Å, as fovea simulate's default --shift-range
DEFOCUS = (8000.0, 25000.0)      # Å
ASTIGMATISM = 300.0              # Å
CONTRAST_SPREAD = 0.3            # σ of ln(contrast scale)
NOISE_SPREAD = 0.3               # σ of ln(micrograph noise factor)
NOISE_COLOUR_MAX = 400.0         # Å², largest noise B-factor of a micrograph
MICROGRAPH_PARTICLES = 100


def read_mrc(path):
    """(array [z, y, x] float32, pixel size Å) of a mode-2 MRC file."""
    with open(path, "rb") as handle:
        header = handle.read(1024)
        nx, ny, nz, mode = np.frombuffer(header[:16], dtype="<i4")
        mx = np.frombuffer(header[28:32], dtype="<i4")[0]
        cella = np.frombuffer(header[40:44], dtype="<f4")[0]
        extended = np.frombuffer(header[92:96], dtype="<i4")[0]
        if mode != 2:
            sys.exit(f"{path}: MRC mode {mode}, expected 2 (float32)")
        handle.seek(1024 + extended)
        data = np.fromfile(handle, dtype="<f4", count=nx * ny * nz).reshape(nz, ny, nx)
    return data, float(cella) / float(mx)


def write_mrc(path, data, pixel):
    """Mode-2 MRC (a volume or a stack of images), pixel size `pixel` Å on every axis."""
    data = np.ascontiguousarray(data, dtype="<f4")
    nz, ny, nx = data.shape
    header = bytearray(1024)
    header[0:16] = np.array([nx, ny, nz, 2], dtype="<i4").tobytes()
    header[28:40] = np.array([nx, ny, nz], dtype="<i4").tobytes()
    header[40:52] = np.array([nx * pixel, ny * pixel, nz * pixel], dtype="<f4").tobytes()
    header[52:64] = np.array([90, 90, 90], dtype="<f4").tobytes()
    header[64:76] = np.array([1, 2, 3], dtype="<i4").tobytes()
    header[76:88] = np.array([data.min(), data.max(), data.mean()], dtype="<f4").tobytes()
    header[208:212] = b"MAP "
    header[212:216] = bytes([0x44, 0x44, 0, 0])
    header[216:220] = np.array([data.std()], dtype="<f4").tobytes()
    tmp = path + ".partial"
    with open(tmp, "xb") as handle:
        handle.write(bytes(header))
        handle.write(data.tobytes())
    os.replace(tmp, path)


def star_header(box, pixel, extra_columns=()):
    columns = ["rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi", "rlnOriginXAngst", "rlnOriginYAngst",
               "rlnDefocusU", "rlnDefocusV", "rlnDefocusAngle", "rlnOpticsGroup"] + list(extra_columns)
    text = ("\n# version 30001\n\ndata_optics\n\nloop_\n_rlnOpticsGroupName #1\n_rlnOpticsGroup #2\n"
            "_rlnVoltage #3\n_rlnSphericalAberration #4\n_rlnAmplitudeContrast #5\n_rlnImagePixelSize #6\n"
            "_rlnImageSize #7\n_rlnImageDimensionality #8\n"
            f"opticsGroup1 1 300.0 2.7 0.1 {pixel} {box} 2\n\n\n# version 30001\n\ndata_particles\n\nloop_\n")
    text += "".join(f"_{c} #{i + 1}\n" for i, c in enumerate(columns))
    return text


def view_fields(p, i):
    return (f"{p['rot'][i]:.4f} {p['tilt'][i]:.4f} {p['psi'][i]:.4f} {p['sx'][i]:.4f} {p['sy'][i]:.4f} "
            f"{p['du'][i]:.2f} {p['dv'][i]:.2f} {p['da'][i]:.3f} 1")


def project(folder, name, volume_path, indices, p, box, pixel):
    """relion_project --ctf of `volume_path` at the views of `indices` → stack (len(indices), box, box)."""
    star = os.path.join(folder, f"{name}_views.star")
    with open(star, "w") as handle:
        handle.write(star_header(box, pixel))
        for i in indices:
            handle.write(view_fields(p, i) + "\n")
    log = os.path.join(folder, f"{name}_project.log")
    with open(log, "w") as handle:
        result = subprocess.run(["relion_project", "--i", os.path.abspath(volume_path), "--ang", f"{name}_views.star",
                                 "--o", name, "--ctf", "--angpix", str(pixel)], cwd=folder, stdout=handle, stderr=handle)
    if result.returncode != 0:
        sys.exit(f"relion_project failed for {name}: see {log}")
    stack, _ = read_mrc(os.path.join(folder, f"{name}.mrcs"))
    if stack.shape[0] != len(indices):
        sys.exit(f"relion_project wrote {stack.shape[0]} images for {len(indices)} views ({name})")
    return stack


def main():
    if len(sys.argv) not in (7, 8):
        sys.exit(__doc__)
    maps, out, count, snr, seed, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    scenario = int(sys.argv[7]) if len(sys.argv) == 8 else 1
    if kind not in ("white", "realistic") or scenario != 1 or count < 1 or snr <= 0:
        sys.exit("kind must be white or realistic, scenario 1, particles ≥ 1, SNR > 0")
    os.makedirs(out, exist_ok=False)
    work = os.path.join(out, "relion_project")
    os.makedirs(work)
    names = {(0, 0): "H01_A0h1f1_B0h1f1", (0, 1): "H02_A0h1f1_B1h1f1", (1, 0): "H03_A1h1f1_B0h1f1", (1, 1): "H04_A1h1f1_B1h1f1"}
    volumes = {key: read_mrc(os.path.join(maps, f"state_{name}.mrc")) for key, name in names.items()}
    mask_a, pixel = read_mrc(os.path.join(maps, "softmask_arm_hand_focus_A.mrc"))
    box = mask_a.shape[2]
    pixel = round(pixel, 4)
    # Side B's mask: the C2 image (x, y → −x, −y about the centre voxel N/2) of side A's.
    mask_b = np.roll(mask_a[:, ::-1, ::-1], 1, axis=(1, 2))

    rng = np.random.default_rng(seed)
    p = {"rot": rng.uniform(-180, 180, count), "tilt": np.degrees(np.arccos(rng.uniform(-1, 1, count))),
         "psi": rng.uniform(-180, 180, count), "sx": rng.uniform(-BOX_SHIFT_RANGE, BOX_SHIFT_RANGE, count),
         "sy": rng.uniform(-BOX_SHIFT_RANGE, BOX_SHIFT_RANGE, count)}
    defocus = rng.uniform(*DEFOCUS, count)
    p["du"], p["dv"], p["da"] = defocus + ASTIGMATISM / 2, defocus - ASTIGMATISM / 2, rng.uniform(0, 180, count)
    arm_a, arm_b = rng.integers(0, 2, count), rng.integers(0, 2, count)
    # Imperfections are drawn for both kinds (same stream), used by `realistic` only.
    contrast = np.exp(CONTRAST_SPREAD * rng.standard_normal(count) - CONTRAST_SPREAD ** 2 / 2)
    micrographs = (count + MICROGRAPH_PARTICLES - 1) // MICROGRAPH_PARTICLES
    noise_factor = np.exp(NOISE_SPREAD * rng.standard_normal(micrographs) - NOISE_SPREAD ** 2 / 2)
    noise_bfactor = rng.uniform(0, NOISE_COLOUR_MAX, micrographs)
    micrograph = np.arange(count) // MICROGRAPH_PARTICLES
    if kind == "white":
        contrast = np.ones(count)
        noise_factor = np.ones(micrographs)
        noise_bfactor = np.zeros(micrographs)

    signal = np.zeros((count, box, box), dtype=np.float64)
    for key, name in names.items():
        indices = np.flatnonzero((arm_a == key[0]) & (arm_b == key[1]))
        if len(indices):
            signal[indices] = project(work, name, os.path.join(maps, f"state_{name}.mrc"), indices, p, box, pixel)
    # Differences between the two hypotheses of each side under that side's mask (sign irrelevant).
    lowered_raised = {"A": mask_a * (volumes[(0, 0)][0] - volumes[(1, 0)][0]),
                      "B": mask_b * (volumes[(0, 0)][0] - volumes[(0, 1)][0])}
    difference = {}
    for side, volume in lowered_raised.items():
        path = os.path.join(work, f"difference_{side}.mrc")
        write_mrc(path, volume, pixel)
        difference[side] = project(work, f"difference_{side}", path, range(count), p, box, pixel)

    mean_signal_variance = float(np.mean(signal.reshape(count, -1).var(axis=1)))
    sigma = math.sqrt(mean_signal_variance / snr)
    frequency = np.fft.fftfreq(box, d=pixel)
    k2 = frequency[None, :] ** 2 + frequency[:, None] ** 2
    yy, xx = np.mgrid[0:box, 0:box]
    background = (xx - box // 2) ** 2 + (yy - box // 2) ** 2 > (0.375 * box) ** 2
    images = np.zeros((count, box, box), dtype=np.float32)
    separation = {"A": np.zeros(count), "B": np.zeros(count)}
    noise_variance_sum = 0.0
    for m in range(micrographs):
        members = np.flatnonzero(micrograph == m)
        colour = np.exp(-noise_bfactor[m] * k2 / 4)
        colour /= math.sqrt(np.mean(colour ** 2))
        # Expected |FFT(noise)_k|² (numpy's unnormalised FFT): box² σ² ν² colour_k².
        power = box * box * (sigma * noise_factor[m]) ** 2 * colour ** 2
        for i in members:
            white = rng.standard_normal((box, box))
            noise = np.real(np.fft.ifft2(np.fft.fft2(white) * colour)) * sigma * noise_factor[m]
            noise_variance_sum += noise.var()
            image = contrast[i] * signal[i] + noise
            if kind == "realistic":
                values = image[background]
                image = (image - values.mean()) / values.std()
            images[i] = image
            for side in ("A", "B"):
                spectrum = np.fft.fft2(contrast[i] * difference[side][i])
                separation[side][i] = math.sqrt(float(np.sum(np.abs(spectrum) ** 2 / power)))
    measured_snr = mean_signal_variance / (noise_variance_sum / count)

    write_mrc(os.path.join(out, "particles.mrcs"), images, pixel)
    extra = ["rlnImageName", "rlnRandomSubset"] + (["rlnMicrographName"] if kind == "realistic" else [])
    with open(os.path.join(out, "particles.star"), "w") as handle:
        handle.write(star_header(box, pixel, extra))
        for i in range(count):
            line = f"{view_fields(p, i)} {i + 1:06d}@particles.mrcs {1 + i % 2}"
            if kind == "realistic":
                line += f" mic{micrograph[i] + 1:06d}"
            handle.write(line + "\n")
    with open(os.path.join(out, "truth.star"), "w") as handle:
        columns = ["foveaParticleIndex", "foveaScenario", "foveaHumanoidMap"]
        for side in ("A", "B"):
            columns += [f"foveaSide{side}Arm", f"foveaSide{side}Hand", f"foveaSide{side}Foot", f"foveaSide{side}Label"]
        handle.write("\ndata_truth\n\nloop_\n" + "".join(f"_{c} #{i + 1}\n" for i, c in enumerate(columns)))
        for i in range(count):
            handle.write(f"{i + 1} 1 {1 + 2 * arm_a[i] + arm_b[i]} {arm_a[i] + 1} 1 1 {arm_a[i] + 1} {arm_b[i] + 1} 1 1 {arm_b[i] + 1}\n")
    accuracy = {side: 0.5 * (1 + np.vectorize(math.erf)(separation[side] / 2 / math.sqrt(2))) for side in ("A", "B")}
    with open(os.path.join(out, "ceiling.star"), "w") as handle:
        columns = ["foveaParticleIndex", "foveaCeilingLabels", "foveaSideACeilingAccuracy", "foveaSideASeparation",
                   "foveaSideBCeilingAccuracy", "foveaSideBSeparation"]
        handle.write("\ndata_ceiling\n\nloop_\n" + "".join(f"_{c} #{i + 1}\n" for i, c in enumerate(columns)))
        for i in range(count):
            handle.write(f"{i + 1} 2 {accuracy['A'][i]:.6f} {separation['A'][i]:.4f} {accuracy['B'][i]:.6f} {separation['B'][i]:.4f}\n")
    mean_accuracy = float((accuracy["A"].mean() + accuracy["B"].mean()) / 2)
    record = {"made_by": "benchmarks/independent/make_data.py (relion_project --ctf; noise by numpy)", "kind": kind,
              "scenario": scenario, "particles": count, "seed": seed, "snr": snr, "box": box, "pixel_size": pixel,
              "mean_signal_variance": mean_signal_variance, "noise_sigma": sigma, "measured_snr": measured_snr,
              "states": {names[k]: int(np.sum((arm_a == k[0]) & (arm_b == k[1]))) for k in names},
              "ideal_observer": {"accuracy": mean_accuracy, "kappa": 2 * mean_accuracy - 1}}
    if kind == "realistic":
        record["imperfections"] = {"contrast_log_spread": CONTRAST_SPREAD, "noise_log_spread": NOISE_SPREAD,
                                   "noise_colour_bfactor_max": NOISE_COLOUR_MAX, "micrograph_particles": MICROGRAPH_PARTICLES,
                                   "normalised_on_background": True}
    with open(os.path.join(out, "data.json"), "w") as handle:
        json.dump(record, handle, indent=1)
    print(f"{count} particles, SNR {snr} (measured {measured_snr:.4f}), noise σ {sigma:.4g}, "
          f"ceiling accuracy {mean_accuracy:.4f} kappa {2 * mean_accuracy - 1:.4f}")


main()
