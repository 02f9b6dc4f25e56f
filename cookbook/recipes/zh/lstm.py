"""The comments of ``recipes/lstm.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

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
    (
        "How many (training, test) reviews to keep, and how many reviews make one update of the "
        "weights. The chapter trains on all 25,000 reviews in batches of 1000: 25 updates per "
        "epoch. Here the first 1000 and 200 reviews, so that a CPU trains the LSTM quickly, in "
        "batches of 40, so that it still makes 25 updates per epoch. The chapter's run: None and "
        "1000."
    ): (
        "保留多少篇（训练、测试）影评，以及每更新一次权重用多少篇影评。"
        "原章节用全部 25,000 篇影评\n"
        "训练，批量大小为 1000：每轮更新 25 次。这里只取前 1000 条和前 200 条，"
        "让 CPU 能很快训练完\n"
        "LSTM；批量大小取 40，每轮仍然更新 25 次。原章节的设置是 None 和 1000。"
    ),
    # data
    "word ids below 1000: the 996 most frequent words, 1 and 2": (
        "小于 1000 的词编号：最常见的 996 个词，以及 1 和 2"
    ),
    "every review becomes exactly 400 word ids": "每篇影评都变成恰好 400 个词编号",
    "Each review is a list of word ids; each target is 1 (positive) or 0 (negative).": (
        "每篇影评是一个词编号列表；每个目标是 1（正面）或 0（负面）。"
    ),
    (
        "One row of 400 ids per review: zeros in front of a shorter review, the beginning cut off "
        "a longer one. Both keep the end of the review, the words the LSTM reads last."
    ): (
        "每篇影评一行 400 个编号：较短的影评在前面补零，较长的影评截掉开头。\n"
        "两种做法都保留了影评的结尾，也就是 LSTM 最后读到的那些词。"
    ),
    # one-review
    (
        "Two training reviews, as the loader gives them and as the network will read them: the "
        "first one shorter than 400 ids, which gets zeros in front, and the first one longer, "
        "which loses its beginning."
    ): (
        "两条训练影评：数据加载器给出的样子，以及网络将要读到的样子。一条是训练集中第一条\n"
        "不足 400 个编号的影评，前面会补零；另一条是第一条超过 400 个编号的，开头会被截掉。"
    ),
    # network
    "seeds Python, NumPy and the backend together": "一次设置 Python、NumPy 和后端的随机种子",
    "Each word id becomes a learned vector of 128 numbers.": (
        "每个词编号变成一个学出来的、由 128 个数组成的向量。"
    ),
    "Reads the 400 vectors in order; hands on its state after the last one.": (
        "按顺序读这 400 个向量；读完最后一个后，把它的隐状态传给下一层。"
    ),
    'the probability of "positive"': "“正面”的概率",
    "cross-entropy for two classes": "二分类的交叉熵",
    # training
    "features": "特征",
    "target vector": "目标向量",
    "reviews per update of the weights": "每更新一次权重所用的影评数",
    "evaluated after every epoch": "每轮结束后评估一次",
    # evaluation
    (
        "The bar to beat: the accuracy of always answering the more frequent label of the test "
        "reviews. A network that has learnt nothing about the words scores that much."
    ): (
        "要超过的基准：对测试影评一律回答较常见的那个标签时的准确率。\n"
        "一个对词什么也没学到的网络，得分就是这么多。"
    ),
    "a last, partial batch counts": "最后一个不满的批量也算一次",
    # saving
    "architecture, weights and optimizer state": "架构、权重和优化器状态",
    # figure
    "A network that answers 0.5 for every review has a cross-entropy of ln 2.": (
        "对每篇影评都回答 0.5 的网络，交叉熵是 ln 2。"
    ),
    "From zero to at least 1, so that a loss that hardly moves looks flat, not steep.": (
        "从 0 到至少 1，这样几乎不动的损失看起来是平的，而不是陡的。"
    ),
}
