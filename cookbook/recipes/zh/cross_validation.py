"""The comments of ``recipes/cross_validation.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

COMMENTS: dict[str, str] = {
    # parameters
    "full passes over each fold's training rows": "训练的轮数：完整遍历每一折训练行的次数",
    "the same seed gives the same starting weights, the same shuffles, the same results": (
        "种子相同，初始权重、打乱顺序和结果就都相同"
    ),
    "where the folds' model files and the figure are written": "各折的模型文件和图写到哪个文件夹",
    "more Keras callbacks for every fold's fit, e.g. keras.callbacks.TerminateOnNaN()": (
        "额外交给每一折 fit 的 Keras 回调，例如 keras.callbacks.TerminateOnNaN()"
    ),
    "what each fit prints: 0 nothing (the chapter's choice), 2 one line per epoch": (
        "每次 fit 输出什么：0 不输出（原章节的选择），2 每轮一行"
    ),
    "how many of the chapter's 10000 rows to use (fewer for a quick try)": (
        "使用原章节 10000 行中的多少行（想快速试一试就少用一些）"
    ),
    "k: the number of parts, and of networks trained": "k：数据分成几份，也就是训练几个网络",
    # data
    "10000 rows of 100 features, only 3 of which carry information about the two classes.": (
        "10000 行、100 个特征，其中只有 3 个特征带有关于两个类别的信息。"
    ),
    "balanced classes": "类别均衡",
    "the same rows every time": "每次生成的行都相同",
    # network
    (
        "Every fold's network starts from the same weights: the scores differ only by the rows "
        "each one trains and is scored on."
    ): ("每一折的网络都从相同的权重开始：得分的差别只来自各自训练和评分所用的行。"),
    "one unit per class": "每个类别一个单元",
    "for one-hot targets": "用于独热编码的目标",
    "Looks like any scikit-learn classifier: fit(X, y), predict(X), score(X, y).": (
        "用起来和任何 scikit-learn 分类器一样：fit(X, y)、predict(X)、score(X, y)。"
    ),
    # cross-validation
    (
        "The rows of a fold fit in one batch: call the network on them, as Keras advises for that, "
        "rather than predict(), which the wrapper's own score() uses and which draws a progress "
        "bar for every fold."
    ): (
        "一折的行放得进一个批量：按 Keras 对这种情况的建议，直接调用网络，而不用 predict()；\n"
        "包装器自己的 score() 用的是 predict()，它会为每一折画一个进度条。"
    ),
    "the most probable class": "概率最高的类别",
    (
        "Arguments of every fold's fit. Set on the wrapper (fit_kwargs) they would be lost: "
        "cross_validate clones the wrapper for every fold, and a clone forgets its fit_kwargs."
    ): (
        "每一折 fit 的参数。如果设在包装器上（fit_kwargs），它们会丢失：\n"
        "cross_validate 为每一折克隆包装器，而克隆出来的包装器不记得 fit_kwargs。"
    ),
    "keep every fold's trained network, not only its score": "保留每一折训练好的网络，而不只是得分",
    # evaluation
    "each network's accuracy on the fold it never saw": "每个网络在它从没见过的那一折上的准确率",
    "Training loss and accuracy per epoch, averaged over the folds' networks.": (
        "每一轮的训练损失和准确率，取各折网络的平均值。"
    ),
}
