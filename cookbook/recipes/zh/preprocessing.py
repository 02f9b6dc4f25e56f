"""The comments of ``recipes/preprocessing.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

COMMENTS: dict[str, str] = {
    # parameters
    "nothing here is random; every recipe takes a seed": (
        "这里没有任何随机的东西；每个示例都有种子参数"
    ),
    "where the figure is written": "图写到哪个文件夹",
    # data
    "Five observations (rows) of two features (columns) on very different scales.": (
        "五个样本（行）、两个特征（列），两个特征的尺度相差很大。"
    ),
    # scaling
    "learn one mean and one standard deviation per column": "每列学习一个均值和一个标准差",
    "(value - mean) / standard deviation": "(值 - 均值) / 标准差",
    # check
    (
        "Every column now has mean 0 and standard deviation 1, up to floating-point error (a mean "
        "of about 1e-17 instead of 0); rounding shows the values they stand for, and + 0.0 turns "
        "-0.0 into 0.0."
    ): (
        "现在每列的均值都是 0、标准差都是 1，只差浮点误差（均值约为 1e-17 而不是 0）；\n"
        "四舍五入后显示的是它们代表的值，+ 0.0 则把 -0.0 变成 0.0。"
    ),
    # keras-layer
    (
        "The same standardisation as a Keras layer: adapt learns each column's mean and variance, "
        "and a network that starts with this layer carries its own preprocessing when it is saved."
    ): (
        "同样的标准化，用 Keras 层来做：adapt 学出每列的均值和方差；\n"
        "以这一层开头的网络，保存时会连同自己的预处理一起保存。"
    ),
    "one mean and variance per column": "每列一个均值和一个方差",
    "The layer computes in float32, so it agrees with the scaler to float32's precision.": (
        "这一层用 float32 计算，所以它与 StandardScaler 在 float32 的精度内一致。"
    ),
    # figure
    "number the observations": "给样本编号",
    "the same scale on both axes": "两条坐标轴用同样的比例",
}
