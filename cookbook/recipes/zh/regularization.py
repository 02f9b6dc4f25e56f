"""The comments of ``recipes/regularization.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

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
    "Each of these two layers adds 0.01 * (the sum of its squared weights) to the loss.": (
        "这两层各自往损失里加上 0.01 * (它的权重的平方和)。"
    ),
    'the probability of "positive"': "“正面”的概率",
    "cross-entropy for two classes (plus the penalties)": "二分类的交叉熵（再加上惩罚项）",
    # training
    "features": "特征",
    "target vector": "目标向量",
    "observations per update of the weights": "每更新一次权重所用的样本数",
    "evaluated after every epoch": "每轮结束后评估一次",
    # evaluation
    (
        "The loss Keras reports is the cross-entropy *plus* the L2 penalties. `network.losses` "
        "holds each layer's penalty for the weights as they are now; taking them away leaves the "
        "cross-entropy alone, the part that says how well the network fits the reviews. The sum "
        "becomes a NumPy number first: PyTorch warns when a tensor it tracks gradients for is "
        "turned straight into a float."
    ): (
        "Keras 报告的损失是交叉熵与 L2 惩罚项之和。`network.losses` 存着每一层\n"
        "按当前权重算出的惩罚项；减去它们，剩下的就只有交叉熵，\n"
        "也就是说明网络对影评拟合得多好的那一部分。求和的结果先转成 NumPy 数：\n"
        "把一个记录着梯度的张量直接转成浮点数，PyTorch 会发出警告。"
    ),
    # saving
    "architecture, weights and optimizer state": "架构、权重和优化器状态",
    # without-l2
    (
        "Not in the chapter: the same network without the penalty. The same seed gives it the same "
        "starting weights and the same batches, so the penalty is the only difference."
    ): (
        "原章节没有这一步：同一个网络，去掉惩罚项。相同的种子给它相同的初始权重和相同的批量，\n"
        "所以唯一的差别就是惩罚项。"
    ),
    "Without a penalty, the reported loss is the cross-entropy.": (
        "没有惩罚项时，报告的损失就是交叉熵。"
    ),
    # comparison
    (
        "How closely each network fits the reviews it was trained on: the cross-entropy on the "
        "training data (the L2 network's loss there, less its penalty). The gap between it and the "
        "test cross-entropy is how much a network has overfitted."
    ): (
        "每个网络对训练用的影评拟合得有多紧：训练数据上的交叉熵（对 L2 网络而言，\n"
        "是它在训练数据上的损失减去惩罚项）。它与测试交叉熵之间的差距，就是网络过拟合的程度。"
    ),
    "The first hidden layer's weights: one row per word, one column per unit.": (
        "第一个隐藏层的权重：每个词一行，每个单元一列。"
    ),
    # figure
    "Left: the first layer's weights, counted in the same bins for both networks.": (
        "左图：第一层的权重，两个网络按同样的区间计数。"
    ),
    "Right: what each network's reported test loss is made of.": (
        "右图：每个网络报告的测试损失由哪几部分组成。"
    ),
}
