"""Gradients with respect to inputs on any Keras backend (keras.ops has no `grad`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def input_gradient(fn: Callable, x: np.ndarray) -> np.ndarray:
    """Gradient of the scalar ``fn(x)`` with respect to ``x``, as a NumPy array.

    ``fn`` is built from Keras layers and ``keras.ops``; the active backend
    (TensorFlow, JAX or PyTorch) differentiates it. Used to measure how the
    gradient reaching each time step vanishes or explodes.
    """
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = fn(x)
        return tape.gradient(value, x).numpy()
    if backend == "jax":
        import jax

        return np.asarray(jax.grad(fn)(jax.numpy.asarray(x)))
    if backend == "torch":
        x = keras.ops.convert_to_tensor(x).detach().requires_grad_(True)  # a leaf on Keras's device
        fn(x).backward()
        return x.grad.detach().cpu().numpy()
    raise NotImplementedError(f"Бэкенд Keras {backend!r} не поддерживается: используйте tensorflow, jax или torch.")
