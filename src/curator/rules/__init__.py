"""The rules. Importing this package registers every rule in RULES."""

from curator.rules import duplicates, links, readme, repos, schema, urls, wrong_link  # noqa: F401  (registration)
from curator.rules.base import RULES, Rule, RuleContext, entry_finding, rule
from curator.rules.engine import apply_config, run_rules

__all__ = ["RULES", "Rule", "RuleContext", "apply_config", "entry_finding", "rule", "run_rules"]
