import CBLAS

extension CPUBackend {
    /// OpenBLAS's own description of its build (version, kernel, threading), for `blitz-tui devices`.
    public var blasDescription: String {
        guard let config = openblas_get_config() else { return "OpenBLAS" }
        return String(cString: config)
    }

    /// Cores this process may use.
    public static var availableCores: Int {
        Int(openblas_get_num_procs())
    }
}
