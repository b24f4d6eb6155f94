"""gdsim: a simulator for the gradient-descent family of optimizers (pure NumPy engine)."""

__version__ = "0.1.0"
