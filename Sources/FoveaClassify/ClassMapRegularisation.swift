import FoveaCore

/// The regularisation T of the class maps (`ClassificationConfig.regularisation`, `--regularisation`;
/// RELION's `--tau2_fudge`). Each cycle's class map is the Wiener estimate
/// V̂(k) = ΣX̂·CTF·w / (ΣCTF²·w + 1/(T·SSNR(|k|))), SSNR the FSC-estimated signal-to-noise ratio per
/// shell shared over the classes (`ClassReconstruction.sharedSSNR`). T multiplies the SSNR (the
/// signal power τ² over the noise power): T > 1 trusts the data more and keeps more of the
/// high-frequency detail (and noise) in the references; T < 1 smooths them more. T = 1 is the
/// plain FSC filter, bit for bit (the SSNR is then used as it is).
public enum ClassMapRegularisation {
    /// The Wiener term of the class maps for the shared per-shell SSNR `ssnr` (shell s at |k| = s
    /// Fourier pixels of the map's box) and the regularisation `factor` T > 0: τ(k) = 1/(T·SSNR(|k|));
    /// shells whose SSNR is ≤ 0 stay zero in the map.
    public static func wienerTerm(ssnr: [Double], factor: Double) -> WienerRegularisation {
        .ssnr(perShell: factor == 1 ? ssnr : ssnr.map { $0 * factor }, wienerConstant: 1)
    }
}
