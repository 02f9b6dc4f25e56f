"""The programs' comments in Chinese: one table per program, beside it.

``cookbook/recipes/zh/NAME.py`` holds ``COMMENTS``, a dict from each comment of
``cookbook/recipes/NAME.py`` to its Chinese, in the order the program has them. The Chinese
pages and notebooks show the English program with these comments in place of its own
(:mod:`cookbook.translation`); every other token of the code stays the English program's, and
``python -m cookbook.recipes.NAME`` runs the English program as it is.

Writing an entry:

* The key is the English comment's text, without ``#``. A block of full-line comments on
  consecutive lines is one entry: its lines joined with single spaces.
* The value is the Chinese. ``"\\n"`` breaks it into lines (a block's Chinese may have more or
  fewer lines than the English); an inline comment's Chinese is one line. Keep each line of the
  code, the comment included, within 100 columns, counting a Chinese character as two.
* Terms are those of 《动手学深度学习》 (d2l-zh), as on the Chinese pages: 轮 (epoch), 批量,
  样本, 暂退法, 早停, 隐状态, 独热编码 ... API names stay as they are.

``tests/test_zh_comments.py`` fails when a comment has no entry, when an entry's English
comment is gone, or when the Chinese program differs from the English in anything but comments.
"""
