"""The optional LLM layer: an OpenAI-compatible endpoint reads the narrative against the numbers; code grounds
every item it returns. Imported only when ``--llm`` is given."""
