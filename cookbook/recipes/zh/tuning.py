"""The comments of ``recipes/tuning.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

COMMENTS: dict[str, str] = {
    # parameters
    "the same seed gives the same starting weights, the same shuffles, the same results": (
        "种子相同，初始权重、打乱顺序和结果就都相同"
    ),
    "where the model file and the figure are written": "模型文件和图写到哪个文件夹",
    "more Keras callbacks for every fit, e.g. keras.callbacks.TerminateOnNaN()": (
        "额外交给每次 fit 的 Keras 回调，例如 keras.callbacks.TerminateOnNaN()"
    ),
    "what each fit prints: 0 nothing (the chapter's choice), 2 one line per epoch": (
        "每次 fit 输出什么：0 不输出（原章节的选择），2 每轮一行"
    ),
    "how many of the chapter's 10000 rows to search (the cost grows with them)": (
        "在原章节 10000 行中的多少行上搜索（行越多，代价越大）"
    ),
    "The grid: every optimizer with every number of epochs and every batch size.": (
        "网格：每种优化器、每个轮数和每个批量大小的所有组合。"
    ),
    "the chapter's scikit-learn used 3 folds by default; since version 0.22 it is 5": (
        "原章节所用的 scikit-learn 默认 3 折；从 0.22 版起默认 5 折"
    ),
    # data
    "10000 rows of 100 features, only 3 of which carry information about the two classes.": (
        "10000 行、100 个特征，其中只有 3 个特征带有关于两个类别的信息。"
    ),
    "balanced classes": "类别均衡",
    "the same rows every time": "每次生成的行都相同",
    # network
    (
        "The same seed for every fit: the same starting weights and shuffles, so the scores differ "
        "only by the hyperparameters and by the rows each fold trains on."
    ): (
        "每次 fit 都用同一个种子：初始权重和打乱顺序都相同，所以得分的差别只来自超参数，\n"
        "以及每一折训练所用的行。"
    ),
    "one unit per class": "每个类别一个单元",
    "for one-hot targets": "用于独热编码的目标",
    "Looks like any scikit-learn classifier: fit(X, y), predict(X), score(X, y).": (
        "用起来和任何 scikit-learn 分类器一样：fit(X, y)、predict(X)、score(X, y)。"
    ),
    # search
    (
        "Each value in the grid is a whole dict: the builder's arguments (model_kwargs) and fit's "
        "(fit_kwargs). GridSearchCV clones the wrapper for every fit, and a clone forgets the "
        "fit_kwargs set on the wrapper itself, but not those the grid sets after cloning."
    ): (
        "网格中的每个取值都是一个完整的字典：构建函数的参数（model_kwargs）\n"
        "和 fit 的参数（fit_kwargs）。GridSearchCV 每次 fit 都克隆包装器，克隆出来的包装器\n"
        "会忘掉设在包装器本身上的 fit_kwargs，但不会忘掉网格在克隆之后设置的那些。"
    ),
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
        "Arguments of grid.fit go to every fit: every fold of every grid point, and the refit of "
        "the best combination on all the rows."
    ): (
        "grid.fit 的参数会传给每一次 fit：每个网格点的每一折，\n"
        "以及最后用全部行重新拟合最佳组合的那一次。"
    ),
    # results
    "one entry per grid point, in the grid's order": "每个网格点一项，按网格的顺序",
    # saving
    "refit=True (the default) trained the best combination once more, on all the rows.": (
        "refit=True（默认值）用全部行把最佳组合又训练了一次。"
    ),
    # figure
    "the best at the top": "最好的排在最上面",
    "Points whose mean falls in this band are not clearly worse than the best one.": (
        "均值落在这个区间里的点，并不明显比最好的那个差。"
    ),
}
