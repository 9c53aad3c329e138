/// SGD and Adam/AdamW updates in place, element by element, as pytorch-facts.md gives them.
/// Hyper-parameters arrive as double and are rounded to T once, as the reference does.
extension CUDAKernelSource {
    static let optimizerKernels = #"""
    struct SGDArgs {
        i64* status; T* param; const T* grad; T* buffer; i64 n;
        double lr; double momentum; double dampening; double weightDecay;
        i64 nesterov; i64 firstStep; i64 hasBuffer;
        i64 magic;
    };
    KERNEL(sgd, SGDArgs) {
        const T lr = (T)p.lr;
        const T momentum = (T)p.momentum;
        const T dampening = (T)p.dampening;
        const T wd = (T)p.weightDecay;
        GRID_LOOP(i, p.n) {
            T g = p.grad[i];
            if (wd != (T)0) g += wd * p.param[i];
            if (p.hasBuffer && momentum != (T)0) {
                const T b = p.firstStep ? g : momentum * p.buffer[i] + ((T)1 - dampening) * g;
                p.buffer[i] = b;
                g = p.nesterov ? g + momentum * b : b;
            }
            p.param[i] -= lr * g;
        }
    }

    // stepSize = lr / (1 − β1^t) and correction2Root = √(1 − β2^t) come from the host, in T.
    struct AdamArgs {
        i64* status; T* param; const T* grad; T* m; T* v; i64 n;
        double lr; double beta1; double beta2; double eps; double weightDecay;
        double stepSize; double correction2Root; i64 decoupled;
        i64 magic;
    };
    KERNEL(adam, AdamArgs) {
        const T lr = (T)p.lr;
        const T b1 = (T)p.beta1;
        const T b2 = (T)p.beta2;
        const T eps = (T)p.eps;
        const T wd = (T)p.weightDecay;
        const T stepSize = (T)p.stepSize;
        const T c2 = (T)p.correction2Root;
        GRID_LOOP(i, p.n) {
            T g = p.grad[i];
            T w = p.param[i];
            if (wd != (T)0) {
                if (p.decoupled) {
                    w *= (T)1 - lr * wd;
                } else {
                    g += wd * w;
                }
            }
            const T m = b1 * p.m[i] + ((T)1 - b1) * g;
            const T v = b2 * p.v[i] + ((T)1 - b2) * g * g;
            p.m[i] = m;
            p.v[i] = v;
            const T denom = t_sqrt(v) / c2 + eps;
            p.param[i] = w - stepSize * m / denom;
        }
    }

    """#
}
