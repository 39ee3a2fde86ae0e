"""Sphinx settings of the course site; `python scripts/build_site.py` copies this file into the sources it assembles.

The chapters are the notebooks that the tests executed (runs/executed/tensorflow/): myst-nb renders their stored
outputs and never runs them. Everything the pages load comes from the build itself (the theme's own files,
MathJax from site/node_modules), so the site works without a network.
"""

project = "Рекуррентные нейронные сети: открытый курс на Keras 3"
author = "авторы курса"
copyright = "авторы курса; код — MIT, текст и рисунки — CC BY-SA 4.0"
language = "ru"  # Sphinx's strings and the search's Russian stemmer

extensions = ["myst_nb"]
exclude_patterns = ["_build"]
nb_execution_mode = "off"  # the notebooks were executed by the tests: show their outputs as they are
nb_output_stderr = "remove"  # TensorFlow's start-up log lines are not part of the lesson
nb_merge_streams = True
nb_code_prompt_show = "Показать код"
nb_code_prompt_hide = "Скрыть код"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["misc.highlighting_failure"]

# MathJax 3 from the npm registry (site/package.json), copied into _static/mathjax by scripts/build_site.py.
mathjax_path = "mathjax/tex-chtml.js"

html_theme = "sphinx_book_theme"
html_title = "Рекуррентные сети на Keras 3"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_last_updated_fmt = None
html_context = {"default_mode": "auto"}  # light or dark, as the reader's system
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
}
