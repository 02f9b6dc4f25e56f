"""The comments of ``recipes/multiclass.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

COMMENTS: dict[str, str] = {
    # parameters
    "full passes over the training data": "训练的轮数：完整遍历训练数据的次数",
    "the same seed gives the same starting weights, the same shuffles, the same results": (
        "种子相同，初始权重、打乱顺序和结果就都相同"
    ),
    "where the model file and the figure are written": "模型文件和图写到哪个文件夹",
    'more Keras callbacks for fit, e.g. keras.callbacks.CSVLogger("log.csv")': (
        '额外交给 fit 的 Keras 回调，例如 keras.callbacks.CSVLogger("log.csv")'
    ),
    "what fit prints: 0 nothing, 1 a progress bar, 2 one line per epoch": (
        "fit 输出什么：0 不输出，1 进度条，2 每轮一行"
    ),
    # data
    (
        "Keep the word ids below 5000: the 4996 most frequent words (ids 4 to 4999), plus 1, which "
        "starts every newswire, and 2, which stands for any other word (id 3 is never used)."
    ): (
        "只保留小于 5000 的词编号：最常见的 4996 个词（编号 4 到 4999），\n"
        "加上标记每条新闻开头的 1，以及代表其他所有词的 2（编号 3 从不使用）。"
    ),
    "Reuters topics, numbered 0..45": "路透社新闻的主题，编号 0..45",
    "Each newswire is a list of word ids; each target is its topic's number.": (
        "每条新闻是一个词编号列表；每个目标是它所属主题的编号。"
    ),
    "One row per newswire, one column per word: 1 where the newswire uses the word.": (
        "每条新闻一行，每个词一列：新闻用到了这个词，该列就是 1。"
    ),
    (
        "One-hot targets: a row of 46, with 1 in the column of the true topic. Naming the number "
        "of classes keeps all 46 columns even when a split lacks the last topics."
    ): (
        "独热编码的目标：每行 46 列，真实主题所在的列为 1。\n"
        "写明类别数，即使某个划分里缺少最后几个主题，也仍然是完整的 46 列。"
    ),
    # network
    "seeds Python, NumPy and the backend together": "一次设置 Python、NumPy 和后端的随机种子",
    "One probability per topic; softmax makes the 46 of them sum to 1.": (
        "每个主题一个概率；softmax 让这 46 个概率之和为 1。"
    ),
    "cross-entropy for one-hot targets": "独热编码目标的交叉熵",
    # training
    "features": "特征",
    "one-hot target matrix": "独热编码的目标矩阵",
    "observations per update of the weights": "每更新一次权重所用的样本数",
    "evaluated after every epoch": "每轮结束后评估一次",
    # evaluation
    "The predicted topic is the one with the highest probability.": (
        "预测的主题就是概率最高的那个。"
    ),
    "Per topic: how many test newswires it has, and how many of those the network gets right.": (
        "每个主题有多少条测试新闻，其中网络答对了多少条。"
    ),
    "The topics that occur in the test data, most frequent first (ties keep topic order).": (
        "测试数据中出现过的主题，按出现次数从多到少排列（次数相同时按主题编号）。"
    ),
    "The score to beat: always answering the most frequent topic gets its share right.": (
        "要超过的基准：一律回答最常见的那个主题，能答对的比例就是它所占的份额。"
    ),
    # saving
    "architecture, weights and optimizer state": "架构、权重和优化器状态",
    # figure
    "a bar of height 0 is invisible": "高度为 0 的柱子看不见",
    "a few topics have hundreds of newswires, many only a handful": (
        "少数主题有几百条新闻，许多主题只有寥寥几条"
    ),
}
