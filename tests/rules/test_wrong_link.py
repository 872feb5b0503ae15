"""wrong-link on real catalog files: offline word evidence, the decisive other-entry evidence, and the
network facts (hand-built) that clear or strengthen a finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.catalog.load import Catalog
from curator.facts import Facts, LinkResult, LinkState, RepoMeta
from curator.findings import Finding, Severity
from tests.rules.support import entry, line_with, load, run, section

RESEARCH = section(
    entry(
        "baize",
        "Baize",
        "https://github.com/project-baize/baize-chatbot",
        [("LoRA", "https://github.com/microsoft/LoRA")],
        column="description",
    ),
    entry("koala", "Koala", "https://github.com/project-baize/baize-chatbot"),
    entry("dalai", "Dalai", "https://github.com/cocktailpeanut/dalai"),
    entry(
        "llama",
        "LLaMA",
        "https://github.com/cocktailpeanut/dalai",
        [
            ("LLaMA.cpp", "https://github.com/ggerganov/llama.cpp"),
            ("Lit-LLaMA", "https://github.com/Lightning-AI/lit-llama"),
        ],
        column="description",
    ),
    entry("colossalchat", "ColossalChat", "https://github.com/cocktailpeanut/dalai"),
    entry("vicuna", "Vicuna", "https://github.com/lm-sys/FastChat"),
    entry("gpt4all", "GPT4All", "https://github.com/nomic-ai/gpt4all"),
    entry(
        "alpaca",
        "Alpaca",
        "https://github.com/nomic-ai/gpt4all",
        [
            ("Alpaca.cpp", "https://github.com/antimatter15/alpaca.cpp"),
            ("Alpaca-LoRA", "https://github.com/tloen/alpaca-lora"),
        ],
        column="description",
    ),
    title="Open Source LLM Space for Research Use",
)


@pytest.fixture
def research(tmp_path: Path) -> Catalog:
    return load(tmp_path, {"research-llms": RESEARCH})


def by_entry(findings: list[Finding]) -> dict[str | None, Finding]:
    out = {f.entry: f for f in findings}
    assert len(out) == len(findings), "one wrong-link finding per entry expected"
    return out


def test_offline_findings_on_the_research_table(research: Catalog) -> None:
    findings = by_entry(run(research, "wrong-link"))
    assert {key: f.severity for key, f in findings.items()} == {
        "research-llms/koala": Severity.ERROR,
        "research-llms/llama": Severity.ERROR,
        "research-llms/colossalchat": Severity.ERROR,
        "research-llms/alpaca": Severity.ERROR,
        "research-llms/vicuna": Severity.INFO,
    }
    koala = findings["research-llms/koala"]
    assert koala.message == (
        "Koala links to github.com/project-baize/baize-chatbot, which does not name 'Koala'; entry "
        "research-llms/baize ('Baize') matches that repository — point Koala at its own repository"
    )
    assert koala.line == line_with(RESEARCH, "url:", after="id: koala")
    assert koala.url == "https://github.com/project-baize/baize-chatbot"
    assert koala.fix is None
    llama = findings["research-llms/llama"]
    assert llama.message == (
        "LLaMA links to github.com/cocktailpeanut/dalai, which names neither 'LLaMA' nor anything in its "
        "extra links (LLaMA.cpp, Lit-LLaMA), while those extra links do point to 'LLaMA' projects; entry "
        "research-llms/dalai ('Dalai') matches that repository — point LLaMA at its own repository"
    )
    assert "entry research-llms/dalai ('Dalai') matches" in findings["research-llms/colossalchat"].message
    assert "entry research-llms/gpt4all ('GPT4All') matches" in findings["research-llms/alpaca"].message
    vicuna = findings["research-llms/vicuna"]
    assert vicuna.message.startswith("Vicuna links to github.com/lm-sys/FastChat, which does not name 'Vicuna'")
    assert "the network check compares 'Vicuna' with the repository's description and page title" in (vicuna.message)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("Colossal-AI", "https://github.com/hpcaitech/ColossalAI"),
        ("Colossal-AI", "hhttps://github.com/hpcaitech/ColossalAI"),  # judged by its fix
        ("Lighting", "https://github.com/Lightning-AI/lightning"),
        ("gpt-neox", "https://github.com/EleutherAI/gpt-neox"),
        ("Trainer API", "https://huggingface.co/docs/transformers/main_classes/trainer"),
        ("Megatron-DeepSpeed", "https://github.com/microsoft/Megatron-DeepSpeed"),
        ("Text Generation Inference", "https://github.com/huggingface/text-generation-inference"),
        ("Dolly", "https://www.databricks.com/blog/2023/03/24/hello-dolly-democratizing-magic-chatgpt.html"),
        ("FairScale", "https://fairscale.readthedocs.io/en/latest/what_is_fairscale.html"),
        ("Haystack", "https://haystack.deepset.ai/"),
    ],
)
def test_names_that_match_their_links_pass(tmp_path: Path, name: str, url: str) -> None:
    text = section(entry("x", name, url))
    assert run(load(tmp_path, {"training-frameworks": text}), "wrong-link") == []


def test_names_that_differ_from_their_repository_are_info(tmp_path: Path) -> None:
    text = section(
        entry("vicuna", "Vicuna", "https://github.com/lm-sys/FastChat"),
        entry("sidekick", "Sidekick", "https://github.com/psychic-api/psychic"),
    )
    findings = run(load(tmp_path, {"deployment-tools": text}), "wrong-link")
    assert [(f.entry, f.severity) for f in findings] == [
        ("deployment-tools/vicuna", Severity.INFO),
        ("deployment-tools/sidekick", Severity.INFO),
    ]


def test_courses_and_tutorials_on_other_domains_are_not_judged(tmp_path: Path) -> None:
    courses = section(
        entry("fsdl", 'Full Stack DeepLearning\'s "LLM BootCamp"', "https://fullstackdeeplearning.com/llm-bootcamp/"),
        entry(
            "cohere",
            "Cohere's LLM University - By Luis Serrano, Jay Alammar and Meor Amer",
            "https://www.youtube.com/playlist?list=PL3vkEKxWd-us5YvvuvYkjP_QGlgUq3tpA",
        ),
        entry("gpt3", "`Stanford` GPT-3 & Beyond", "https://www.youtube.com/watch?v=-lnHHWRCDGk"),
        entry("mit", "`MIT` Introduction to Data-Centric AI", "https://dcai.csail.mit.edu/"),
    )
    tutorials = section(
        entry(
            "femto",
            "Pure Rust implementation of a minimal Generative Pretrained Transformer",
            "https://github.com/keyvank/femtoGPT",
        ),
        entry(
            "karpathy",
            "Let's build GPT: from scratch, in code, spelled out",
            "https://www.youtube.com/watch?v=kCc8FmEb1nY",
            [("👨‍💻", "https://github.com/karpathy/ng-video-lecture")],
        ),
        entry("state", "State of GPT", "https://build.microsoft.com/en-US/sessions/db3f4859"),
    )
    assert run(load(tmp_path, {"courses": courses, "tutorials": tutorials}), "wrong-link") == []


def test_a_sentence_title_sharing_another_entrys_link_is_only_a_warning(tmp_path: Path) -> None:
    text = section(
        entry("femtogpt", "femtoGPT", "https://github.com/keyvank/femtoGPT"),
        entry(
            "tutorial",
            "Pure Rust implementation of a minimal Generative Pretrained Transformer",
            "https://github.com/keyvank/femtoGPT",
        ),
    )
    [finding] = run(load(tmp_path, {"tutorials": text}), "wrong-link")
    assert (finding.entry, finding.severity) == ("tutorials/tutorial", Severity.WARNING)
    assert "entry tutorials/femtogpt ('femtoGPT') matches that repository" in finding.message


def test_extra_links_that_name_the_entry_make_a_bad_main_link_a_warning(tmp_path: Path) -> None:
    text = section(
        entry(
            "llama",
            "LLaMA",
            "https://github.com/cocktailpeanut/dalai",
            [("LLaMA.cpp", "https://github.com/ggerganov/llama.cpp"), ("Paper", "https://arxiv.org/abs/1")],
        ),
    )
    [finding] = run(load(tmp_path, {"research-llms": text}), "wrong-link")
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "LLaMA links to github.com/cocktailpeanut/dalai, which names neither 'LLaMA' nor anything in its "
        "extra links (LLaMA.cpp), while those extra links do point to 'LLaMA' projects — check that the "
        "main url is LLaMA's own repository"
    )


def test_a_main_link_named_by_an_extra_links_label_passes(tmp_path: Path) -> None:
    text = section(
        entry(
            "vicuna",
            "Vicuna",
            "https://github.com/lm-sys/FastChat",
            [("FastChat", "https://github.com/lm-sys/FastChat/tree/main/docs")],
        ),
    )
    assert run(load(tmp_path, {"research-llms": text}), "wrong-link") == []


def test_extra_links_are_judged_by_their_label(tmp_path: Path) -> None:
    text = section(
        entry("gpt4all", "GPT4All", "https://github.com/nomic-ai/gpt4all"),
        entry(
            "alpaca",
            "Alpaca",
            "https://github.com/tatsu-lab/stanford_alpaca",
            [
                ("Alpaca.cpp", "https://github.com/antimatter15/alpaca.cpp"),
                ("Alpaca-LoRA", "https://github.com/nomic-ai/gpt4all"),
                ("Demo", "https://github.com/someone/unrelated"),
            ],
        ),
    )
    findings = run(load(tmp_path, {"research-llms": text}), "wrong-link")
    assert [(f.entry, f.severity, f.line) for f in findings] == [
        ("research-llms/alpaca", Severity.ERROR, line_with(text, "Alpaca-LoRA")),
        ("research-llms/alpaca", Severity.INFO, line_with(text, "Demo")),
    ]
    assert findings[0].message.startswith(
        "Alpaca's link 'Alpaca-LoRA' (links[1].url) links to github.com/nomic-ai/gpt4all, which names "
        "neither 'Alpaca-LoRA' nor 'Alpaca'; entry research-llms/gpt4all ('GPT4All') matches that repository"
    )
    assert findings[1].message.startswith(
        "Alpaca's link 'Demo' (links[2].url) links to github.com/someone/unrelated, which does not name 'Alpaca'"
    )


def test_owner_matching_through_its_link_label(tmp_path: Path) -> None:
    text = section(
        entry(
            "baize",
            "Baize",
            "https://github.com/project-baize/baize-chatbot",
            [("LoRA", "https://github.com/microsoft/LoRA")],
            column="description",
        ),
        entry("koala", "Koala", "https://github.com/microsoft/LoRA"),
    )
    [finding] = run(load(tmp_path, {"research-llms": text}), "wrong-link")
    assert finding.entry == "research-llms/koala"
    assert finding.severity is Severity.ERROR
    expected = "entry research-llms/baize ('Baize', as its link 'LoRA') matches that repository"
    assert expected in finding.message


def test_malformed_urls_without_a_fix_are_left_to_malformed_url(tmp_path: Path) -> None:
    text = section(entry("x", "Koala", "javascript:alert(1)"), entry("y", "Other", "not a url"))
    assert run(load(tmp_path, {"tools": text}), "wrong-link") == []


# --- with network facts -----------------------------------------------------------------------------------


def repo(
    requested: str, description: str | None = None, *, homepage: str | None = None, now: str | None = None
) -> tuple[str, RepoMeta]:
    """facts.repos' item for `requested`; `now` is the repository's current name after a rename."""
    meta = RepoMeta(requested=requested, name_with_owner=now or requested, description=description, homepage=homepage)
    return requested.lower(), meta


def page(url: str, title: str | None) -> tuple[str, LinkResult]:
    return url, LinkResult(url=url, state=LinkState.OK, status=200, title=title)


def test_description_mentioning_the_name_clears_it(tmp_path: Path) -> None:
    text = section(entry("vicuna", "Vicuna", "https://github.com/lm-sys/FastChat"))
    catalog = load(tmp_path, {"research-llms": text})
    description = "An open platform ... Release repo for Vicuna and Chatbot Arena."
    facts = Facts(repos=dict([repo("lm-sys/FastChat", description)]))
    assert run(catalog, "wrong-link", facts=facts, offline=False) == []


def test_page_title_mentioning_the_name_clears_it(tmp_path: Path) -> None:
    url = "https://github.com/lm-sys/FastChat"
    catalog = load(tmp_path, {"research-llms": section(entry("vicuna", "Vicuna", url))})
    facts = Facts(links=dict([page(url, "GitHub - lm-sys/FastChat: Release repo for Vicuna")]))
    assert run(catalog, "wrong-link", facts=facts, offline=False) == []


def test_titles_are_found_by_normalised_url(tmp_path: Path) -> None:
    catalog = load(tmp_path, {"research-llms": section(entry("v", "Vicuna", "https://github.com/lm-sys/FastChat"))})
    facts = Facts(links=dict([page("http://www.github.com/LM-SYS/fastchat/", "FastChat, home of Vicuna")]))
    assert run(catalog, "wrong-link", facts=facts, offline=False) == []


def test_homepage_or_new_name_naming_the_entry_clears_it(tmp_path: Path) -> None:
    text = section(
        entry("sidekick", "Sidekick", "https://github.com/psychic-api/psychic"),
        entry("renamed", "Langflow", "https://github.com/logspace-ai/old-name"),
    )
    catalog = load(tmp_path, {"deployment-tools": text})
    facts = Facts(
        repos=dict(
            [
                repo("psychic-api/psychic", "Data integration platform", homepage="https://sidekick.example.org"),
                repo("logspace-ai/old-name", now="logspace-ai/langflow"),
            ]
        )
    )
    assert run(catalog, "wrong-link", facts=facts, offline=False) == []


def test_neither_name_nor_description_nor_title_mention_it_is_an_error(tmp_path: Path) -> None:
    url = "https://github.com/psychic-api/psychic"
    text = section(entry("sidekick", "Sidekick", url))
    catalog = load(tmp_path, {"deployment-tools": text})
    facts = Facts(
        repos=dict(
            [
                repo(
                    "psychic-api/psychic",
                    "The open source data integration platform for LLMs",
                    homepage="https://www.psychic.dev",
                )
            ]
        ),
        links=dict([page(url, "GitHub - psychic-api/psychic")]),
    )
    [finding] = run(catalog, "wrong-link", facts=facts, offline=False)
    assert finding.severity is Severity.ERROR
    assert finding.line == line_with(text, "url:")
    assert finding.message == (
        "Sidekick links to github.com/psychic-api/psychic, and neither that repository's name nor its "
        "description ('The open source data integration platform for LLMs') nor its homepage "
        "(https://www.psychic.dev) nor the page title ('GitHub - psychic-api/psychic') mentions 'Sidekick' — "
        "point Sidekick at its own repository (if the project was renamed, rename the entry too)"
    )


def test_facts_are_ignored_offline(tmp_path: Path) -> None:
    catalog = load(
        tmp_path, {"tools": section(entry("sidekick", "Sidekick", "https://github.com/psychic-api/psychic"))}
    )
    facts = Facts(repos=dict([repo("psychic-api/psychic", "Data integration platform")]))
    [finding] = run(catalog, "wrong-link", facts=facts, offline=True)
    assert finding.severity is Severity.INFO


def test_without_facts_for_the_link_the_offline_level_stays(tmp_path: Path) -> None:
    catalog = load(
        tmp_path, {"tools": section(entry("sidekick", "Sidekick", "https://github.com/psychic-api/psychic"))}
    )
    facts = Facts(repos=dict([repo("psychic-api/psychic", None), repo("other/repo", "Sidekick")]))
    [finding] = run(catalog, "wrong-link", facts=facts, offline=False)
    assert finding.severity is Severity.INFO
    missing = Facts(repos={"psychic-api/psychic": RepoMeta(requested="psychic-api/psychic", missing=True)})
    [finding] = run(catalog, "wrong-link", facts=missing, offline=False)
    assert finding.severity is Severity.INFO


def test_a_description_mention_does_not_clear_the_decisive_evidence(research: Catalog) -> None:
    description = "The simplest way to run LLaMA on your local machine"
    facts = Facts(repos=dict([repo("cocktailpeanut/dalai", description)]))
    findings = by_entry(run(research, "wrong-link", facts=facts, offline=False))
    llama = findings["research-llms/llama"]
    assert llama.severity is Severity.ERROR
    assert llama.message.endswith(
        "— point LLaMA at its own repository (the repository's description mentions 'LLaMA', but it is named "
        "after 'Dalai')"
    )
    assert findings["research-llms/colossalchat"].severity is Severity.ERROR


def test_network_checks_on_the_research_table(research: Catalog) -> None:
    facts = Facts(
        repos=dict(
            [
                repo("lm-sys/FastChat", "An open platform for training, serving, and evaluating LLM chatbots"),
                repo("project-baize/baize-chatbot", "Let ChatGPT teach your own chatbot in hours with a single GPU!"),
            ]
        )
    )
    findings = by_entry(run(research, "wrong-link", facts=facts, offline=False))
    assert {key: f.severity for key, f in findings.items()} == {
        "research-llms/koala": Severity.ERROR,
        "research-llms/llama": Severity.ERROR,
        "research-llms/colossalchat": Severity.ERROR,
        "research-llms/alpaca": Severity.ERROR,
        "research-llms/vicuna": Severity.ERROR,  # the stronger wrong-link: nothing mentions Vicuna
    }
    assert "neither that repository's name nor its description" in findings["research-llms/vicuna"].message


def test_other_sites_with_a_title_that_does_not_mention_the_project_are_info(tmp_path: Path) -> None:
    url = "https://example.org/products/thing"
    text = section(
        entry("widget", "Widget", url),
        entry("course", "A Gentle Introduction to Building Widgets for Web Developers", "https://example.org/c"),
    )
    catalog = load(tmp_path, {"tools": text})
    facts = Facts(links=dict([page(url, "Thing — the best thing"), page("https://example.org/c", "Welcome")]))
    [finding] = run(catalog, "wrong-link", facts=facts, offline=False)
    assert (finding.entry, finding.severity) == ("tools/widget", Severity.INFO)
    assert finding.message == (
        "Widget links to example.org/products/thing, and neither the address nor the page title "
        "('Thing — the best thing') mentions 'Widget' — check that this is Widget's page"
    )
    facts = Facts(links=dict([page(url, "Widget: the thing")]))
    assert run(catalog, "wrong-link", facts=facts, offline=False) == []


def test_a_right_link_can_be_silenced_in_the_configuration(research: Catalog) -> None:
    from curator.config import Config, Ignore
    from curator.rules import RuleContext, run_rules

    ignore = Ignore(rule="wrong-link", entry="research-llms/vicuna", reason="FastChat hosts Vicuna")
    config = Config(ignore=[ignore])
    findings = [f for f in run_rules(RuleContext(catalog=research, config=config)) if f.rule == "wrong-link"]
    assert "research-llms/vicuna" not in {f.entry for f in findings}
    assert "research-llms/koala" in {f.entry for f in findings}


def test_several_owners_are_all_named(tmp_path: Path) -> None:
    text = section(
        entry("dalai", "Dalai", "https://github.com/cocktailpeanut/dalai"),
        entry("dalai-web", "Dalai Web", "https://github.com/cocktailpeanut/dalai"),
        entry("koala", "Koala", "https://github.com/cocktailpeanut/dalai"),
    )
    [finding] = run(load(tmp_path, {"research-llms": text}), "wrong-link")
    assert finding.entry == "research-llms/koala"
    assert (
        "entries research-llms/dalai ('Dalai') and research-llms/dalai-web ('Dalai Web') match that "
        "repository" in finding.message
    )
