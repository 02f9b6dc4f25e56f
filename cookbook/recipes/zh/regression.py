"""The comments of ``recipes/regression.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

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
        "10000 observations of 3 features; the target is an exact linear function of all three (no "
        "noise). random_state=0 makes the same data every time."
    ): (
        "10000 个样本、3 个特征；目标恰好是这三个特征的线性函数（没有噪声）。\n"
        "random_state=0 让每次生成的数据都相同。"
    ),
    "Two thirds for training, one third for testing, the same split every time.": (
        "三分之二用于训练，三分之一用于测试，每次划分都相同。"
    ),
    # network
    "seeds Python, NumPy and the backend together": "一次设置 Python、NumPy 和后端的随机种子",
    "no activation: the output can be any real number": "没有激活函数：输出可以是任意实数",
    "mean squared error, the quantity the optimizer minimises": (
        "均方误差，也就是优化器要最小化的量"
    ),
    "the same quantity, reported under its own name": "同一个量，以它自己的名字报告",
    # training
    "features": "特征",
    "target vector": "目标向量",
    "observations per update of the weights": "每更新一次权重所用的样本数",
    "evaluated after every epoch": "每轮结束后评估一次",
    # evaluation
    "one column: flatten it": "只有一列：把它展平",
    "the typical error, in the target's own units": "典型误差，单位与目标相同",
    "the spread the error is measured against": "误差要与之比较的离散程度",
    "share of the variance explained": "被解释的方差所占的比例",
    # saving
    "architecture, weights and optimizer state": "架构、权重和优化器状态",
    # figure
    "the diagonal y = x": "对角线 y = x",
}
