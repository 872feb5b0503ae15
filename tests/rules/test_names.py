"""Word matching behind wrong-link: names against link targets, names in prose."""

from __future__ import annotations

import pytest

from curator.rules.names import Name, chunks, is_generic_label, link_target, mentions, name_matches, pieces


def test_words() -> None:
    assert chunks("Colossal-AI") == ["colossal", "ai"]
    assert chunks("lit_llama.cpp") == ["lit", "llama", "cpp"]
    assert pieces("ColossalAI") == ["colossal", "ai"]
    assert pieces("GPT4All") == ["gpt", "4", "all"]
    assert pieces("BMTrain") == ["bm", "train"]
    assert pieces("femtoGPT") == ["femto", "gpt"]
    name = Name.of("The Trainer API")
    assert name.core == ("trainer",)
    assert name.compact == "thetrainerapi"


MATCHES = [
    ("Baize", "https://github.com/project-baize/baize-chatbot"),
    ("Dalai", "https://github.com/cocktailpeanut/dalai"),
    ("GPT4All", "https://github.com/nomic-ai/gpt4all"),
    ("Colossal-AI", "https://github.com/hpcaitech/ColossalAI"),
    ("ColossalAI", "https://github.com/hpcaitech/Colossal-AI"),
    ("Lighting", "https://github.com/Lightning-AI/lightning"),  # the seed's typo
    ("gpt-neox", "https://github.com/EleutherAI/gpt-neox"),
    ("Trainer API", "https://huggingface.co/docs/transformers/main_classes/trainer"),
    ("Megatron-DeepSpeed", "https://github.com/microsoft/Megatron-DeepSpeed"),
    ("Megatron-LM", "https://github.com/NVIDIA/Megatron-LM"),
    ("Text Generation Inference", "https://github.com/huggingface/text-generation-inference"),
    ("Text Generation Inference", "https://github.com/huggingface/tgi"),  # initials
    ("Mesh Tensorflow", "https://github.com/tensorflow/mesh"),
    ("BMTrain", "https://github.com/OpenBMB/BMTrain"),
    ("vLLM", "https://github.com/vllm-project/vllm"),
    ("SkyPilot", "https://github.com/skypilot-org/skypilot"),
    ("wechat-chatgpt", "https://github.com/fuergaosi233/wechat-chatgpt"),
    ("FairScale", "https://fairscale.readthedocs.io/en/latest/what_is_fairscale.html"),
    ("Haystack", "https://haystack.deepset.ai/"),
    ("Dolly", "https://www.databricks.com/blog/2023/03/24/hello-dolly-democratizing-magic-chatgpt-open-models.html"),
    ("LLaMA.cpp", "https://github.com/ggerganov/llama.cpp"),
    ("Lit-LLaMA", "https://github.com/Lightning-AI/lit-llama"),
    ("Prompt Engineering Guide", "https://github.com/dair-ai/Prompt-Engineering-Guide"),
]

MISMATCHES = [
    ("Koala", "https://github.com/project-baize/baize-chatbot"),
    ("LLaMA", "https://github.com/cocktailpeanut/dalai"),
    ("ColossalChat", "https://github.com/cocktailpeanut/dalai"),
    ("ColossalChat", "https://github.com/lm-sys/FastChat"),  # "chat" alone is too common to count
    ("Alpaca", "https://github.com/nomic-ai/gpt4all"),
    ("Vicuna", "https://github.com/lm-sys/FastChat"),
    ("Sidekick", "https://github.com/psychic-api/psychic"),
    ("AI", "https://github.com/o/ai"),  # nothing but stop words: no evidence either way
]


@pytest.mark.parametrize(("name", "url"), MATCHES)
def test_name_matches(name: str, url: str) -> None:
    assert name_matches(name, link_target(url))


@pytest.mark.parametrize(("name", "url"), MISMATCHES)
def test_name_does_not_match(name: str, url: str) -> None:
    assert not name_matches(name, link_target(url))


def test_link_target() -> None:
    github = link_target("https://github.com/project-baize/baize-chatbot")
    assert github.is_github and github.kind == "repository"
    assert github.shown == "github.com/project-baize/baize-chatbot"
    assert github.segments == ("projectbaize", "baizechatbot")
    web = link_target("https://haystack.deepset.ai/")
    assert not web.is_github and web.kind == "address"
    assert web.shown == "haystack.deepset.ai"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("Vicuna", "An open platform for training large language models. Release repo for Vicuna.", True),
        ("Sidekick", "The open source data integration platform for LLMs", False),
        ("Text Generation Inference", "Large Language Model Text Generation Inference", True),
        ("ColossalChat", "Colossal Chat: an open-source RLHF solution", True),
        ("Colossal-AI", "ColossalAI: making large models cheaper", True),
        ("LLaMA", "The simplest way to run LLaMA on your local machine", True),
        ("Koala", "Let ChatGPT teach your own chatbot in hours with a single GPU!", False),
        ("Lightning", "Lighting fast deep learning", True),
        ("AI", "AI everywhere", False),
    ],
)
def test_mentions(name: str, text: str, expected: bool) -> None:
    assert mentions(name, text) is expected


@pytest.mark.parametrize(
    ("label", "generic"),
    [
        ("🔗", True),
        ("👨‍💻", True),
        ("Code", True),
        ("the paper", True),
        ("LLaMA.cpp", False),
        ("LoRA", False),
    ],
)
def test_generic_labels(label: str, generic: bool) -> None:
    assert is_generic_label(label) is generic


@pytest.mark.parametrize(
    ("name", "project_like"),
    [
        ("Text Generation Inference", True),
        ("Trainer API", True),
        ("`Stanford` CS324-Large Language Models", True),
        ("Hugging Face's NLP Course", False),
        ("Pure Rust implementation of a minimal Generative Pretrained Transformer", False),
        ("Let's build GPT: from scratch, in code, spelled out", False),
        ("🔗", False),
    ],
)
def test_project_like(name: str, project_like: bool) -> None:
    assert Name.of(name).is_project_like is project_like
