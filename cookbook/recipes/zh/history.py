"""The comments of ``recipes/history.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

COMMENTS: dict[str, str] = {
    # parameters
    "full passes over the training data": "训练的轮数：完整遍历训练数据的次数",
    "the same seed gives the same starting weights, the same shuffles, the same results": (
        "种子相同，初始权重、打乱顺序和结果就都相同"
    ),
    "where the model file and the figures are written": "模型文件和图写到哪个文件夹",
    'more Keras callbacks for fit, e.g. keras.callbacks.CSVLogger("log.csv")': (
        '额外交给 fit 的 Keras 回调，例如 keras.callbacks.CSVLogger("log.csv")'
    ),
    "what fit prints: 0 nothing, 1 a progress bar, 2 one line per epoch": (
        "fit 输出什么：0 不输出，1 进度条，2 每轮一行"
    ),
    # data
    (
        "Keep the word ids below 10000: the 9996 most frequent words (ids 4 to 9999), plus 1, "
        "which starts every review, and 2, which stands for any other word (id 3 is never used)."
    ): (
        "只保留小于 10000 的词编号：最常见的 9996 个词（编号 4 到 9999），\n"
        "加上标记每篇影评开头的 1，以及代表其他所有词的 2（编号 3 从不使用）。"
    ),
    "reviews per update of the weights": "每更新一次权重所用的影评数",
    "Each review is a list of word ids; each target is 1 (positive) or 0 (negative).": (
        "每篇影评是一个词编号列表；每个目标是 1（正面）或 0（负面）。"
    ),
    (
        "The chapter turns every review into a multi-hot row (one column per word) and stacks them "
        "into two matrices of 10000 columns. These datasets keep only the word ids and build the "
        "rows of one batch at a time, as float32, while the network trains on the batch before."
    ): (
        "原章节把每篇影评变成多热编码的一行（每个词一列），再堆成两个 10000 列的矩阵。\n"
        "这里的数据集只保存词编号，一次只为一个批量生成 float32 的行，\n"
        "与此同时网络正在前一个批量上训练。"
    ),
    "look at the first batch": "看看第一个批量",
    # network
    "seeds Python, NumPy and the backend together": "一次设置 Python、NumPy 和后端的随机种子",
    'the probability of "positive"': "“正面”的概率",
    "cross-entropy for two classes": "二分类的交叉熵",
    "recorded every epoch, next to the loss": "每轮都和损失一起记录下来",
    # training
    "batches of (features, target): no target and no batch_size here": (
        "由 (特征, 目标) 组成的批量：这里不用再传目标和 batch_size"
    ),
    "the training batches reshuffle themselves every epoch": "训练批量每轮都会自己重新打乱",
    "evaluated after every epoch: the val_ keys": "每轮结束后评估一次：即 val_ 开头的键",
    # best-epochs
    "Epochs count from 1; np.argmin and np.argmax count from 0.": (
        "轮从 1 开始计数；np.argmin 和 np.argmax 从 0 开始。"
    ),
    # saving
    "the network after its last epoch": "最后一轮之后的网络",
    # accuracy_figure
    "the chapter's label": "原章节的坐标轴标签",
}
