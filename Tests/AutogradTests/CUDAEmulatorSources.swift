/// The C++ sources of the CPU stand-ins for libcuda, libnvrtc and libcublas that the CUDA tests
/// build with the toolchain's clang++ (see CUDAEmulator). They implement only what blitz-tui
/// calls, with the documented semantics, and check what a real driver would refuse.
enum CUDAEmulatorSources {
    /// Prepended to each kernel module: CUDA's built-ins on the CPU. A launch runs every
    /// (block, thread) in turn; a kernel that synchronises a block (BLOCK_KERNEL) gets one
    /// real thread per CUDA thread, meeting at a barrier for __syncthreads.
    static let prelude = #"""
    #include <math.h>
    #include <string.h>
    #include <pthread.h>
    #include <algorithm>
    #include <vector>
    struct uint3 { unsigned x, y, z; };
    static thread_local uint3 threadIdx;
    static thread_local uint3 blockIdx;
    static uint3 blockDim;
    static uint3 gridDim;
    static pthread_barrier_t emu_barrier;
    static pthread_mutex_t emu_launch_lock = PTHREAD_MUTEX_INITIALIZER;
    #define __device__
    #define __global__
    #define __forceinline__ inline
    #define __shared__ static
    #define __syncthreads() pthread_barrier_wait(&emu_barrier)
    using std::min;
    static inline float __int_as_float(int v) { float f; memcpy(&f, &v, sizeof f); return f; }
    static inline double __longlong_as_double(long long v) { double d; memcpy(&d, &v, sizeof d); return d; }
    static inline unsigned long long atomicCAS(unsigned long long* a, unsigned long long c, unsigned long long v) {
        return __sync_val_compare_and_swap(a, c, v);
    }
    #define KERNEL(name, Args) \
        static void name##_body(const Args& p); \
        extern "C" void name(void** params) { \
            const Args& p = *(const Args*)params[0]; \
            if (p.magic != ARGS_MAGIC) { \
                if (blockIdx.x == 0 && threadIdx.x == 0) report(p.status, STATUS_ARGS, KID_##name, (i64)sizeof(Args)); \
                return; \
            } \
            name##_body(p); \
        } \
        static void name##_body(const Args& p)
    #define BLOCK_KERNEL(name, Args) extern "C" { int name##__block = 1; } KERNEL(name, Args)

    typedef void (*emu_entry)(void**);
    struct emu_job { emu_entry entry; void** params; unsigned thread; };
    static void* emu_block_thread(void* raw) {
        emu_job* job = (emu_job*)raw;
        threadIdx = uint3{job->thread, 0, 0};
        for (unsigned b = 0; b < gridDim.x; ++b) {
            blockIdx = uint3{b, 0, 0};
            job->entry(job->params);
            pthread_barrier_wait(&emu_barrier);
        }
        return nullptr;
    }
    extern "C" int emu_launch(emu_entry entry, int needsBlock, unsigned grid, unsigned block, void** params) {
        pthread_mutex_lock(&emu_launch_lock);
        gridDim = uint3{grid, 1, 1};
        blockDim = uint3{block, 1, 1};
        int status = 0;
        if (!needsBlock) {
            for (unsigned b = 0; b < grid; ++b) {
                for (unsigned t = 0; t < block; ++t) {
                    blockIdx = uint3{b, 0, 0};
                    threadIdx = uint3{t, 0, 0};
                    entry(params);
                }
            }
        } else {
            pthread_barrier_init(&emu_barrier, nullptr, block);
            std::vector<pthread_t> threads(block);
            std::vector<emu_job> jobs(block);
            for (unsigned t = 0; t < block; ++t) {
                jobs[t] = emu_job{entry, params, t};
                if (pthread_create(&threads[t], nullptr, emu_block_thread, &jobs[t]) != 0) status = 1;
            }
            for (unsigned t = 0; t < block; ++t) pthread_join(threads[t], nullptr);
            pthread_barrier_destroy(&emu_barrier);
        }
        pthread_mutex_unlock(&emu_launch_lock);
        return status;
    }

    """#

    /// libcuda.so.1: host memory stands for device memory (every copy is checked against the
    /// blocks handed out), and a module "image" is kernel source that it compiles with the
    /// configured C++ compiler and the prelude, then dlopens.
    static let driver = #"""
    #include <dlfcn.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <stdint.h>
    #include <unistd.h>
    #include <map>
    #include <mutex>
    #include <string>
    #include <functional>
    typedef int CUresult;
    typedef unsigned long long CUdeviceptr;
    static std::mutex lock_;
    static std::map<CUdeviceptr, size_t> blocks_;
    static size_t limit_ = SIZE_MAX, used_ = 0;
    static long allocations_ = 0;
    // A status the next cuMemAlloc or cuCtxSynchronize returns, as a real driver does once a
    // kernel has failed on the GPU (0: none).
    static CUresult injected_ = 0;
    static std::string cxx_, workdir_;
    typedef int (*emu_launch_t)(void (*)(void**), int, unsigned, unsigned, void**);
    struct Function { void (*entry)(void**); int needsBlock; emu_launch_t launch; };

    // Is [p, p + n) inside one block?
    static bool inside(CUdeviceptr p, size_t n) {
        auto it = blocks_.upper_bound(p);
        if (it == blocks_.begin()) return false;
        --it;
        return p >= it->first && p + n <= it->first + it->second;
    }

    extern "C" {
    void fake_cuda_configure(const char* cxx, const char* workdir) { cxx_ = cxx; workdir_ = workdir; }
    void fake_cuda_set_memory_limit(size_t bytes) { std::lock_guard<std::mutex> g(lock_); limit_ = bytes; }
    long fake_cuda_driver_allocations() { std::lock_guard<std::mutex> g(lock_); return allocations_; }
    size_t fake_cuda_bytes_in_use() { std::lock_guard<std::mutex> g(lock_); return used_; }
    void fake_cuda_fail_next_call(CUresult status) { std::lock_guard<std::mutex> g(lock_); injected_ = status; }

    CUresult cuInit(unsigned flags) { return flags == 0 ? 0 : 1; }
    CUresult cuDriverGetVersion(int* v) { *v = 13000; return 0; }
    CUresult cuDeviceGetCount(int* n) { *n = 1; return 0; }
    CUresult cuDeviceGet(int* d, int ordinal) { if (ordinal != 0) return 101; *d = 0; return 0; }
    CUresult cuDeviceGetName(char* name, int len, int d) { snprintf(name, len, "blitz CPU emulator"); return d == 0 ? 0 : 101; }
    CUresult cuDeviceTotalMem_v2(size_t* bytes, int d) { *bytes = (size_t)1 << 30; return d == 0 ? 0 : 101; }
    CUresult cuDeviceGetAttribute(int* v, int attribute, int d) {
        *v = attribute == 75 ? 8 : attribute == 76 ? 0 : attribute == 16 ? 4 : 0;
        return d == 0 ? 0 : 101;
    }
    CUresult cuDevicePrimaryCtxRetain(void** ctx, int d) { *ctx = (void*)0x1; return d == 0 ? 0 : 101; }
    CUresult cuCtxSetCurrent(void* ctx) { return ctx == (void*)0x1 ? 0 : 201; }
    CUresult cuCtxSynchronize() {
        std::lock_guard<std::mutex> g(lock_);
        CUresult s = injected_;
        injected_ = 0;
        return s;
    }

    CUresult cuModuleLoadData(void** module, const void* image) {
        const char* text = (const char*)image;
        if (strncmp(text, "//EMULATED\n", 11) != 0) return 200;
        std::string source = std::string("#include \"emu_prelude.h\"\n") + (text + 11);
        std::string base = workdir_ + "/module_" + std::to_string(std::hash<std::string>{}(source));
        std::string so = base + ".so";
        FILE* probe = fopen(so.c_str(), "rb");
        if (probe) {
            fclose(probe);
        } else {
            // Per-process names, so test processes building the same module never collide.
            std::string own = base + "." + std::to_string(getpid());
            FILE* f = fopen((own + ".cpp").c_str(), "w");
            if (!f) return 200;
            fputs(source.c_str(), f);
            fclose(f);
            std::string command = cxx_ + " -std=c++17 -O1 -shared -fPIC -w -I" + workdir_ + " -o " + own + ".so " + own
                + ".cpp -lpthread > " + own + ".log 2>&1 && mv " + own + ".so " + so;
            if (system(command.c_str()) != 0) return 218;  // CUDA_ERROR_INVALID_PTX: see the .log
        }
        void* handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) return 200;
        *module = handle;
        return 0;
    }

    CUresult cuModuleGetFunction(void** function, void* module, const char* name) {
        void* entry = dlsym(module, name);
        void* launch = dlsym(module, "emu_launch");
        if (!entry || !launch) return 500;
        std::string flag = std::string(name) + "__block";
        *function = new Function{(void (*)(void**))entry, dlsym(module, flag.c_str()) != nullptr, (emu_launch_t)launch};
        return 0;
    }

    CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                            unsigned shared, void* stream, void** params, void** extra) {
        if (!f || !params || extra || gx == 0 || gy != 1 || gz != 1 || bx == 0 || bx > 1024 || by != 1 || bz != 1 || shared != 0) return 1;
        Function* fn = (Function*)f;
        return fn->launch(fn->entry, fn->needsBlock, gx, bx, params) == 0 ? 0 : 719;
    }

    CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t bytes) {
        std::lock_guard<std::mutex> g(lock_);
        if (injected_) {
            CUresult s = injected_;
            injected_ = 0;
            return s;
        }
        if (bytes == 0) return 1;
        if (used_ + bytes > limit_) return 2;
        void* block = malloc(bytes);
        if (!block) return 2;
        *p = (CUdeviceptr)block;
        blocks_[*p] = bytes;
        used_ += bytes;
        allocations_ += 1;
        return 0;
    }
    CUresult cuMemFree_v2(CUdeviceptr p) {
        std::lock_guard<std::mutex> g(lock_);
        auto it = blocks_.find(p);
        if (it == blocks_.end()) return 1;
        used_ -= it->second;
        blocks_.erase(it);
        free((void*)p);
        return 0;
    }
    CUresult cuMemcpyHtoD_v2(CUdeviceptr d, const void* s, size_t n) {
        std::lock_guard<std::mutex> g(lock_);
        if (!inside(d, n) || !s) return 1;
        memcpy((void*)d, s, n);
        return 0;
    }
    CUresult cuMemcpyDtoH_v2(void* d, CUdeviceptr s, size_t n) {
        std::lock_guard<std::mutex> g(lock_);
        if (!inside(s, n) || !d) return 1;
        memcpy(d, (void*)s, n);
        return 0;
    }
    CUresult cuMemcpyDtoD_v2(CUdeviceptr d, CUdeviceptr s, size_t n) {
        std::lock_guard<std::mutex> g(lock_);
        if (!inside(d, n) || !inside(s, n)) return 1;
        memmove((void*)d, (void*)s, n);
        return 0;
    }
    CUresult cuMemsetD8_v2(CUdeviceptr d, unsigned char v, size_t n) {
        std::lock_guard<std::mutex> g(lock_);
        if (!inside(d, n)) return 1;
        memset((void*)d, v, n);
        return 0;
    }
    CUresult cuMemGetInfo_v2(size_t* freeBytes, size_t* total) {
        std::lock_guard<std::mutex> g(lock_);
        *total = (size_t)1 << 30;
        *freeBytes = *total - used_;
        return 0;
    }
    static const char* errorName(CUresult r) {
        switch (r) {
        case 0: return "CUDA_SUCCESS";
        case 1: return "CUDA_ERROR_INVALID_VALUE";
        case 2: return "CUDA_ERROR_OUT_OF_MEMORY";
        case 101: return "CUDA_ERROR_INVALID_DEVICE";
        case 200: return "CUDA_ERROR_INVALID_IMAGE";
        case 201: return "CUDA_ERROR_INVALID_CONTEXT";
        case 218: return "CUDA_ERROR_INVALID_PTX";
        case 500: return "CUDA_ERROR_NOT_FOUND";
        case 719: return "CUDA_ERROR_LAUNCH_FAILED";
        default: return nullptr;
        }
    }
    CUresult cuGetErrorName(CUresult r, const char** s) { *s = errorName(r); return *s ? 0 : 1; }
    CUresult cuGetErrorString(CUresult r, const char** s) {
        *s = r == 2 ? "out of memory" : r == 1 ? "invalid argument" : errorName(r) ? "emulated error" : nullptr;
        return *s ? 0 : 1;
    }
    }
    """#
}
