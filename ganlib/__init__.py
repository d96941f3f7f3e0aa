"""ganlib: the small, tested library behind the GAN course notebooks.

Import the parts you need, for example ``from ganlib import data, models, training``.
Importing ganlib never touches the network.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
