"""The ledger without a window: models, storage, rules, counting, documents, CLI.

Nothing in this package may import PySide6 (tests/test_architecture.py enforces it).
"""

__version__ = "0.1.0"
