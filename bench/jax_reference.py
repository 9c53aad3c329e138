"""The blitz-bench workloads in JAX (XLA on the CPU), defined as Sources/blitz-bench defines them.

Each step is jitted once; the timed call blocks on its result (block_until_ready), so the figure is
the step's run time, not the time to queue it. The first call's time (tracing and XLA compilation)
is reported separately, as {"name": "<workload>", "first_call_ms": ...}, never mixed into a median.

The 0-d chain is the whole 100-op chain and its gradient jitted into one program, which XLA fuses:
that is what JAX does with such code, not one op at a time as PyTorch and blitz-tui run it.

Prints one JSON object per line, {"name": ..., "median_us": ...} or {"name": ..., "value": ...}
for the GFLOP/s rows, the format bench/compare.py reads.

usage: python bench/jax_reference.py [--threads N] [--only NAME,...] [--cpu-time]
--threads 1 turns XLA's multi-threaded CPU kernels off; otherwise XLA sizes its thread pool to the
processors the process may use (make bench pins it with taskset, as it pins blitz-bench).
"""
import argparse
import json
import os
import sys
import time


# Imported in main(), after XLA's flags are set (XLA reads them when it starts).
jax = None
jnp = None

from timing import median_us, use_cpu_time  # bench/timing.py: one timing loop for both peers


def first_call_ms(call):
    """The first call of a jitted function: tracing, compilation and one run."""
    start = time.perf_counter_ns()
    jax.block_until_ready(call())
    return (time.perf_counter_ns() - start) / 1e6


def uniform(key, shape, fan_in):
    """PyTorch's default initialisation of Linear and Conv2d (weights and biases): U(±1/√fan_in)."""
    bound = 1 / fan_in ** 0.5
    return jax.random.uniform(key, shape, jnp.float32, -bound, bound)


def linear_params(key, fan_in, fan_out):
    kw, kb = jax.random.split(key)
    return {"weight": uniform(kw, (fan_out, fan_in), fan_in), "bias": uniform(kb, (fan_out,), fan_in)}


def conv_params(key, c_in, c_out, k):
    kw, kb = jax.random.split(key)
    fan_in = c_in * k * k
    return {"weight": uniform(kw, (c_out, c_in, k, k), fan_in), "bias": uniform(kb, (c_out,), fan_in)}


def linear(p, x):
    return x @ p["weight"].T + p["bias"]


def conv2d(p, x):
    y = jax.lax.conv_general_dilated(x, p["weight"], (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"))
    return y + p["bias"][None, :, None, None]


def max_pool_2x2(x):
    return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")


def blitz_net_forward(params, x):
    """The 60-minute blitz's CIFAR-10 Net."""
    x = max_pool_2x2(jax.nn.relu(conv2d(params["conv1"], x)))
    x = max_pool_2x2(jax.nn.relu(conv2d(params["conv2"], x)))
    x = x.reshape(x.shape[0], -1)
    x = jax.nn.relu(linear(params["fc1"], x))
    x = jax.nn.relu(linear(params["fc2"], x))
    return linear(params["fc3"], x)


def blitz_net_params(key):
    k = jax.random.split(key, 5)
    return {"conv1": conv_params(k[0], 3, 6, 5), "conv2": conv_params(k[1], 6, 16, 5),
            "fc1": linear_params(k[2], 16 * 5 * 5, 120), "fc2": linear_params(k[3], 120, 84),
            "fc3": linear_params(k[4], 84, 10)}


def mlp_forward(params, x):
    """64 → 128 → 64 → 10 with ReLU."""
    return linear(params["fc3"], jax.nn.relu(linear(params["fc2"], jax.nn.relu(linear(params["fc1"], x)))))


def mlp_params(key):
    k = jax.random.split(key, 3)
    return {"fc1": linear_params(k[0], 64, 128), "fc2": linear_params(k[1], 128, 64),
            "fc3": linear_params(k[2], 64, 10)}


def train_step_us(name, forward, params, inputs, labels, budget):
    """One step of SGD(lr=0.001, momentum=0.9) on the cross entropy, as PyTorch's SGD does it."""
    lr, momentum = 0.001, 0.9

    def loss_fn(p, x, y):
        log_probs = jax.nn.log_softmax(forward(p, x))
        return -jnp.mean(jnp.take_along_axis(log_probs, y[:, None], axis=1))

    @jax.jit
    def step(p, buf, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(p, x, y)
        buf = jax.tree_util.tree_map(lambda b, g: momentum * b + g, buf, grads)
        p = jax.tree_util.tree_map(lambda w, b: w - lr * b, p, buf)
        return p, buf, loss

    # PyTorch's first step sets the buffer to the gradient; from zeros, momentum·0 + g is the same.
    state = {"params": params, "buf": jax.tree_util.tree_map(jnp.zeros_like, params)}

    def call():
        p, b, loss = step(state["params"], state["buf"], inputs, labels)
        state["params"], state["buf"] = p, b
        return loss

    compile_ms = first_call_ms(call)
    us = median_us(lambda: jax.block_until_ready(call()), *budget)
    return [{"name": name, "median_us": us}, {"name": name, "first_call_ms": compile_ms}]


def scalar_chain():
    def chain(x):
        for _ in range(50):
            x = x * 1.0001 + 0.5
        return x

    grad = jax.jit(jax.grad(chain))
    start = jnp.float32(1.0)
    compile_ms = first_call_ms(lambda: grad(start))
    us = median_us(lambda: jax.block_until_ready(grad(start)), 200, 200, 20000, 1) / 100
    name = "scalar_chain_per_op"
    return [{"name": name, "median_us": us}, {"name": name, "first_call_ms": compile_ms}]


def sgemm(n):
    ka, kb = jax.random.split(jax.random.PRNGKey(7))
    a = jax.random.normal(ka, (n, n), jnp.float32)
    b = jax.random.normal(kb, (n, n), jnp.float32)
    product = jax.jit(jnp.matmul)
    name = f"sgemm_{n}_gflops"
    compile_ms = first_call_ms(lambda: product(a, b))
    us = median_us(lambda: jax.block_until_ready(product(a, b)), 3, 10, 200, 1)
    return [{"name": name, "value": 2 * n ** 3 / (us * 1000)}, {"name": name, "first_call_ms": compile_ms}]


def blitz_net(batch):
    k_params, k_images, k_labels = jax.random.split(jax.random.PRNGKey(1), 3)
    images = jax.random.normal(k_images, (batch, 3, 32, 32), jnp.float32)
    labels = jax.random.randint(k_labels, (batch,), 0, 10)
    return train_step_us(f"blitz_net_train_step_b{batch}", blitz_net_forward, blitz_net_params(k_params),
                         images, labels, (20, 50, 5000, 2))


def mlp():
    k_params, k_inputs, k_labels = jax.random.split(jax.random.PRNGKey(3), 3)
    inputs = jax.random.normal(k_inputs, (32, 64), jnp.float32)
    labels = jax.random.randint(k_labels, (32,), 0, 10)
    return train_step_us("mlp_train_step_b32", mlp_forward, mlp_params(k_params), inputs, labels,
                         (50, 100, 20000, 1))


WORKLOADS = {
    "scalar_chain_per_op": scalar_chain,
    "sgemm_512_gflops": lambda: sgemm(512),
    "sgemm_1024_gflops": lambda: sgemm(1024),
    "blitz_net_train_step_b4": lambda: blitz_net(4),
    "blitz_net_train_step_b64": lambda: blitz_net(64),
    "mlp_train_step_b32": mlp,
}


def main():
    global jax, jnp
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None,
                        help="1: XLA's CPU kernels on one thread; otherwise the processors the process may use")
    parser.add_argument("--only", default=None, help="comma-separated workload names")
    parser.add_argument("--cpu-time", action="store_true", help="time with the process's CPU time, not wall time")
    args = parser.parse_args()
    if args.threads is not None and args.threads < 1:
        parser.error("--threads needs a positive whole number")
    if args.threads == 1:
        # XLA reads its flags when it starts, so before the import.
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false").strip()
    if args.cpu_time:
        use_cpu_time()
    names = args.only.split(",") if args.only else list(WORKLOADS)
    for name in names:
        if name not in WORKLOADS:
            parser.error(f"no workload named {name!r}; the workloads are {', '.join(WORKLOADS)}")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax as jax_module
    import jax.numpy as jnp_module
    jax, jnp = jax_module, jnp_module
    for name in names:
        for row in WORKLOADS[name]():
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
