"""The comments of ``recipes/binary.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

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
        "Keep the word ids below 1000: the 996 most frequent words (ids 4 to 999), plus 1, which "
        "starts every review, and 2, which stands for any other word (id 3 is never used)."
    ): (
        "只保留小于 1000 的词编号：最常见的 996 个词（编号 4 到 999），\n"
        "加上标记每篇影评开头的 1，以及代表其他所有词的 2（编号 3 从不使用）。"
    ),
    "Each review is a list of word ids; each target is 1 (positive) or 0 (negative).": (
        "每篇影评是一个词编号列表；每个目标是 1（正面）或 0（负面）。"
    ),
    "One row per review, one column per word: 1 where the review uses the word.": (
        "每篇影评一行，每个词一列：影评用到了这个词，该列就是 1。"
    ),
    # network
    "seeds Python, NumPy and the backend together": "一次设置 Python、NumPy 和后端的随机种子",
    'the probability of "positive"': "“正面”的概率",
    "cross-entropy for two classes": "二分类的交叉熵",
    # training
    "features": "特征",
    "target vector": "目标向量",
    "observations per update of the weights": "每更新一次权重所用的样本数",
    "evaluated after every epoch": "每轮结束后评估一次",
    # prediction
    (
        'predict gives each review\'s probability of "positive"; above 0.5 the answer is '
        '"positive".'
    ): ("predict 给出每篇影评是“正面”的概率；高于 0.5，回答就是“正面”。"),
    (
        "The share of right answers is the accuracy evaluate gave. The score to beat is that of "
        "always answering the more frequent label."
    ): (
        "答对的比例就是 evaluate 给出的准确率。要超过的基准，\n"
        "是一律回答较常见的那个标签所得的分数。"
    ),
    # saving
    "architecture, weights and optimizer state": "架构、权重和优化器状态",
}
