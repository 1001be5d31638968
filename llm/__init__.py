"""The OpenAI-compatible LLM client: streamed text, JSON-schema output, timeouts; nothing about interviews."""

from llm.client import LlmClient, LlmOptions, parse_json_reply
from llm.errors import LlmError, LlmInvalidOutput, LlmTimeout, LlmUnavailable
from llm.metrics import LlmMetrics

__all__ = [
    "LlmClient",
    "LlmError",
    "LlmInvalidOutput",
    "LlmMetrics",
    "LlmOptions",
    "LlmTimeout",
    "LlmUnavailable",
    "parse_json_reply",
]
