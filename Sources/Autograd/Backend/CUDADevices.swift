/// Finds CUDA devices at run time. The CUDA backend (dlopen of libcuda, libnvrtc, libcublas)
/// is not part of this build yet, so asking for a GPU says so plainly.
public enum CUDADevices {
    public static func backend(index: Int) throws(DeviceError) -> any Backend {
        throw DeviceError("cuda:\(index) is not available: this build of blitz-tui has no CUDA backend yet")
    }
}
