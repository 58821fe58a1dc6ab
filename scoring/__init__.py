"""egovrank's judging side: the scoring model, rankings, overrides, exports and the CLI."""
