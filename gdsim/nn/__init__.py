"""Small fully connected networks trained by the engine's optimizers (NumPy only).

``datasets`` (toy sets, CSV), ``activations``, ``losses``, ``network`` (flat (N, D) weights,
forward/backward), ``training`` (:class:`~gdsim.nn.training.Trainer`: runs side by side),
``io`` (weights .npz, training CSV, experiment dicts) and ``cli`` (``gdsim train``).
"""
