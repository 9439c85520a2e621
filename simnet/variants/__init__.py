"""Variants of every CMS family from a seed (issue 12): portals the crawler has never seen.

See simnet/README.md, "Variants". Public API:
``FAMILY_NAMES``, ``make_variant(family, seed)``, ``parse_variants("dnn:4,joomla:17")``,
``VariantSimNet(variants)``, ``variant_truth(variants, state)``, ``write_registry(variants, path)``,
``simnet.variants.selfcheck.check(variants)``.
"""

from __future__ import annotations

from .families import FAMILIES, FAMILY_NAMES
from .network import (
                      Variant,
                      VariantNetwork,
                      VariantSimNet,
                      dead_spec,
                      make_variant,
                      parse_variants,
                      redirect_spec,
                      variant_truth,
                      write_registry,
)

__all__ = [
    "FAMILIES", "FAMILY_NAMES", "Variant", "VariantNetwork", "VariantSimNet", "dead_spec", "make_variant",
    "parse_variants", "redirect_spec", "variant_truth", "write_registry",
]
