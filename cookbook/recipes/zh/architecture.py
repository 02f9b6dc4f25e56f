"""The comments of ``recipes/architecture.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

COMMENTS: dict[str, str] = {
    # parameters
    "the same seed gives the same starting weights": "种子相同，初始权重就相同",
    "where the model file, the diagram and the figure are written": (
        "模型文件、结构图和图写到哪个文件夹"
    ),
    # network
    "seeds Python, NumPy and the backend together": "一次设置 Python、NumPy 和后端的随机种子",
    (
        "The chapter's network, for ten features. It is only drawn, never trained, so it is not "
        "compiled."
    ): ("原章节的网络，输入十个特征。它只用来画图，从不训练，所以不需要编译。"),
    "the same architecture as a table": "以表格形式列出同一个架构",
    "A Dense layer with n inputs and u units has n * u weights and u biases.": (
        "一个有 n 个输入、u 个单元的 Dense 层有 n * u 个权重和 u 个偏置。"
    ),
    # saving
    (
        'The architecture and the starting weights: keras.models.load_model("architecture.keras") '
        "gives the network back, to summarise or draw it elsewhere (where Graphviz is installed)."
    ): (
        '保存架构和初始权重：keras.models.load_model("architecture.keras") 能把网络重新载入，\n'
        "以便在别处（装有 Graphviz 的地方）查看摘要或画出它。"
    ),
    # diagram
    "plot_model hands the drawing to Graphviz's `dot` program, which pip cannot install.": (
        "plot_model 把绘图交给 Graphviz 的 `dot` 程序，而 pip 装不了这个程序。"
    ),
    # figure
    "plot_model draws at 200 dots per inch: width / 200 inches is the size it was drawn for.": (
        "plot_model 按每英寸 200 点绘图：width / 200 英寸就是它本来的尺寸。"
    ),
}
