"""`curator pr`: the rolling pull request (marker, body, plan, remote, content)."""
