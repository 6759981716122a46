"""targa.core.pdf: the shipped fonts in every PDF, and font configurations reused safely."""

import gc
import os
import subprocess
import threading
from contextlib import ExitStack

import pytest

from targa.core import pdf
from tests import cpde_support as cs


@pytest.fixture(autouse=True)
def no_idle_font_configs():
    pdf._idle_font_configs.clear()
    yield
    pdf._idle_font_configs.clear()


def test_renders_at_the_same_time_get_their_own_font_configuration_then_reuse_it():
    with pdf._font_config() as first, pdf._font_config() as second:
        assert first is not second
    with pdf._font_config() as again:
        assert again in (first, second)


def test_a_failed_render_does_not_give_its_font_configuration_back():
    with pytest.raises(RuntimeError), pdf._font_config():
        raise RuntimeError
    assert pdf._idle_font_configs == []


def test_only_a_few_font_configurations_are_kept_idle():
    with ExitStack() as stack:
        for _ in range(pdf._MAX_IDLE_FONT_CONFIGS + 2):
            stack.enter_context(pdf._font_config())
    assert len(pdf._idle_font_configs) == pdf._MAX_IDLE_FONT_CONFIGS


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here")
def test_a_forked_process_leaves_its_parents_font_configurations_alone():
    pdf.render_pdf("reports/pdf_base.html", {}, language="fr")
    [config] = pdf._idle_font_configs
    folder = config._folder
    assert any(folder.iterdir())  # the fonts of pdf_base.html's @font-face rules

    pid = os.fork()
    if pid == 0:  # the child: nothing inherited to reuse, and the parent's folder left in place
        config = None  # the child's last references to it are gone
        gc.collect()
        os._exit(0 if pdf._idle_font_configs == [] and folder.exists() else 1)
    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert folder.exists() and pdf._idle_font_configs == [config]


def test_pdfs_rendered_in_parallel_threads_embed_the_shipped_fonts(tmp_path):
    """Four threads render French and Arabic pages twice each, reusing configurations."""
    results, errors = {}, []

    def render(name, language):
        try:
            for round_ in (1, 2):
                content = pdf.render_pdf("reports/pdf_base.html", {}, language=language)
                results[f"{name}-{round_}"] = (language, content)
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [
        threading.Thread(target=render, args=(f"t{i}", language))
        for i, language in enumerate(["fr", "ar", "fr", "ar"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 8
    for name, (language, content) in results.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(content)
        fonts = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, check=True, text=True
        ).stdout
        # Subset names carry our family names: the TrueType files of static/vendor/fonts/pdf/.
        family = "Targa-Naskh" if language == "ar" else "Targa-Sans"
        assert f"+{family} " in fonts, (name, fonts)
        assert "1 / 1" in cs.pdf_text(content, tmp_path)
    assert 1 <= len(pdf._idle_font_configs) <= 4
