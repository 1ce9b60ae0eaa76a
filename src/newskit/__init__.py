"""newskit: a corpus toolkit for Hindi and Bengali news text.

The public API is re-exported here lazily, so that ``import newskit`` (and
``newskit --help``) stays fast: a submodule is imported the first time one of
its names is used.

>>> import newskit
>>> newskit.normalize("दु:ख")
'दुःख'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    "normalize": "newskit.normalization",
    "NormalizeOptions": "newskit.normalization",
    "STEPS": "newskit.normalization",
    "tokenize": "newskit.segment",
    "split_sentences": "newskit.segment",
    "Token": "newskit.segment",
    "Sentence": "newskit.segment",
    "extract_quotes": "newskit.quotes",
    "Quote": "newskit.quotes",
    "corpus_stats": "newskit.pipeline.stats",
    "repair": "newskit.rescue",
    "RepairOptions": "newskit.rescue",
    "CorpusStats": "newskit.stats",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from newskit.normalization import STEPS, NormalizeOptions, normalize  # noqa: F401
    from newskit.pipeline.stats import corpus_stats  # noqa: F401
    from newskit.quotes import Quote, extract_quotes  # noqa: F401
    from newskit.rescue import RepairOptions, repair  # noqa: F401
    from newskit.segment import Sentence, Token, split_sentences, tokenize  # noqa: F401
    from newskit.stats import CorpusStats  # noqa: F401


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newskit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
