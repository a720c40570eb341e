"""Where the checkout's files are: the only module that knows the repository's layout.

The pipeline reads the writers' and translators' texts, the design tokens and the site's own assets from
``site/``, the shared Quarto settings from ``_quarto.yml`` and the site's look from ``node_modules/``. Every
module asks here. Files of the pipeline itself (templates, words, the contract) sit beside the code that
reads them, and that code finds them from its own place.
"""

from __future__ import annotations

from pathlib import Path

PIPELINE = Path(__file__).resolve().parent
ROOT = PIPELINE.parent
SITE = ROOT / "site"
CONTENT = SITE / "content"  # the writers' Markdown, per language
SUMMARIES = SITE / "summaries"  # the translators' summaries, one file per language
TOKENS = SITE / "tokens.yaml"  # the design tokens
ASSETS = SITE / "assets"  # the site's own stylesheet, favicon and search script
QUARTO_CONFIG = ROOT / "_quarto.yml"  # shared Quarto settings, merged into each language's project
NODE_MODULES = ROOT / "node_modules"  # the NL Design System packages and the font, installed by npm
