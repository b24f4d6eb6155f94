"""The app's Network mode: a small MLP trained by several optimizers side by side.

``mode.NetworkMode`` is the tab the main window adds; ``controller.NetworkController`` owns the
engine's :class:`~gdsim.nn.training.Trainer`; ``editors`` and ``panels`` observe it.
"""
