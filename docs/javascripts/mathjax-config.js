// MathJax 3 configuration for pymdownx.arithmatex (generic mode) with Material's instant
// pages. Must load BEFORE javascripts/mathjax/tex-chtml.js (the vendored local copy).
//
// MathJax's own start-up typeset is turned off: Material's `document$` observable fires on
// the first load and after every instant navigation, and that is the one place we typeset.
// (Letting both typeset, as Material's own docs suggest, clears MathJax's glyph CSS after the
// first pass with a local MathJax, and formulas are left blank without any error.)
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
  startup: {
    typeset: false,
  },
};

document$.subscribe(() => {
  MathJax.startup.promise = MathJax.startup.promise.then(() => {
    const output = MathJax.startup.output;
    if (output && output.clearCache) output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    return MathJax.typesetPromise();
  });
});
