"""Views of a list of findings: text for people, JSON for programs, annotations for GitHub, markdown for PRs."""

from curator.report.model import LinkRow, Report
from curator.report.render import FORMATS, TextStyle, render_report, text_style

__all__ = ["FORMATS", "LinkRow", "Report", "TextStyle", "render_report", "text_style"]
