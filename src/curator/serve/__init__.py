"""`curator serve`'s machinery: crontab triggers (`schedule`), the job runner (`service`), the HTTP
endpoints and their metrics (`endpoints`, `metrics`) and the event log (`events`). The jobs themselves are
given by `commands/serve.py`: this package knows nothing of `check` or `pr`."""
