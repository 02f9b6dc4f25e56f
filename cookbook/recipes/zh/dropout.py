"""The comments of ``recipes/dropout.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

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
    "for the comparison only: how many epochs to train on after the chapter stops": (
        "只用于对比：在原章节停下之后再训练多少轮"
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
    "hides a fifth of each review's words at every training step": (
        "每个训练步都遮住每篇影评五分之一的词"
    ),
    "hides half of the first hidden layer's outputs": "遮住第一个隐藏层一半的输出",
    "and half of the second's": "再遮住第二个隐藏层一半的输出",
    'the probability of "positive"': "“正面”的概率",
    "cross-entropy for two classes": "二分类的交叉熵",
    "the Dropout layers have no weights: they only act while training": (
        "Dropout 层没有权重：它们只在训练时起作用"
    ),
    # training
    "features": "特征",
    "target vector": "目标向量",
    "observations per update of the weights": "每更新一次权重所用的样本数",
    "evaluated after every epoch": "每轮结束后评估一次",
    # evaluation
    (
        "Outside training the Dropout layers pass everything through: evaluate uses the whole "
        "network."
    ): ("不训练时，Dropout 层让所有输入原样通过：evaluate 用的是完整的网络。"),
    # saving
    "the chapter's network, after the chapter's epochs": "原章节的网络，训练完原章节规定的轮数之后",
    # training-on
    (
        "Not in the chapter: the same network goes on training from where it stopped (its weights "
        "and its optimizer's state are kept). `epochs` is the number of the last epoch, not a "
        "count, and `initial_epoch` numbers the new epochs on from the chapter's."
    ): (
        "原章节没有这一步：同一个网络从停下的地方接着训练（权重和优化器的状态都还在）。\n"
        "`epochs` 是最后一轮的编号，而不是轮数；`initial_epoch` 让新的轮接着原章节的轮往下编号。"
    ),
    "Both trainings, one after the other: one value per epoch, from the first.": (
        "两次训练首尾相接：从第一轮起，每轮一个值。"
    ),
    # without-dropout
    "the same seed as the network with dropout": "与使用暂退法的网络用同一个种子",
    "Not in the chapter: the same layers without Dropout, trained for as many epochs.": (
        "原章节没有这一步：同样的层，只是没有 Dropout，训练同样多的轮数。"
    ),
    # comparison
    "Where each network did best on the test reviews, and where it ended.": (
        "每个网络在测试影评上哪一轮表现最好，最后又停在哪里。"
    ),
    "counted from 0": "从 0 开始计数",
}
