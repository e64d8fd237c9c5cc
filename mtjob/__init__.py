"""mtjob: Arabic news articles in, aligned Arabic-English JSONL and an English abstract out.

Nothing heavy is imported here: torch and transformers load only when a command needs a model.
"""

__version__ = "0.1.0"
