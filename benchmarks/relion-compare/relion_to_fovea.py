#!/usr/bin/env python3
"""RELION's classified, symmetry-expanded data.star -> a STAR that `fovea kappa` reads.

usage: relion_to_fovea.py ORIGINAL_particles.star RELION_run_itNNN_data.star OUT.star

Each RELION row is matched to its input particle by rlnImageName; its expansion operator is 1 when its
rotation matrix equals the particle's (identity copy), else 2 (the C2 copy). Writes rlnClassNumber,
rlnFoveaParticleIndex (1-based) and rlnFoveaOperatorIndex."""
import math
import sys


def read_block(path, block):
    """Columns and rows of the loop of `data_<block>` (or the only loop) of a STAR file."""
    names, rows, inside, in_loop = [], [], False, False
    with open(path) as handle:
        for line in handle:
            s = line.strip()
            if s.startswith("data_"):
                if inside and rows:
                    break
                inside = block is None or s == "data_" + block
                names, rows, in_loop = [], [], False
                continue
            if not inside or not s or s.startswith("#"):
                continue
            if s == "loop_":
                in_loop = True
            elif s.startswith("_") and in_loop and not rows:
                names.append(s.split()[0][1:])
            elif in_loop and names:
                rows.append(s.split())
    if not rows:
        sys.exit(f"{path}: no rows in data_{block}")
    return {n: i for i, n in enumerate(names)}, rows


def matrix(rot, tilt, psi):
    """RELION's ZYZ Euler matrix (degrees)."""
    a, b, g = (math.radians(v) for v in (rot, tilt, psi))
    ca, sa, cb, sb, cg, sg = math.cos(a), math.sin(a), math.cos(b), math.sin(b), math.cos(g), math.sin(g)
    cc, cs, sc, ss = cb * ca, cb * sa, sb * ca, sb * sa
    return [cg * cc - sg * sa, cg * cs + sg * ca, -cg * sb,
            -sg * cc - cg * sa, -sg * cs + cg * ca, sg * sb,
            sc, ss, cb]


def main():
    original, relion, out = sys.argv[1:4]
    ocol, orows = read_block(original, "particles")
    rcol, rrows = read_block(relion, "particles")
    index = {}
    for i, r in enumerate(orows):
        index[r[ocol["rlnImageName"]]] = (i + 1, matrix(*(float(r[ocol[c]]) for c in ("rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi"))))
    with open(out, "w") as handle:
        handle.write("\ndata_particles\n\nloop_\n_rlnImageName #1\n_rlnClassNumber #2\n"
                     "_rlnFoveaParticleIndex #3\n_rlnFoveaOperatorIndex #4\n")
        for r in rrows:
            name = r[rcol["rlnImageName"]]
            particle, m0 = index[name]
            m = matrix(*(float(r[rcol[c]]) for c in ("rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi")))
            op = 1 if max(abs(x - y) for x, y in zip(m, m0)) < 1e-3 else 2
            handle.write(f"{name} {r[rcol['rlnClassNumber']]} {particle} {op}\n")


main()
