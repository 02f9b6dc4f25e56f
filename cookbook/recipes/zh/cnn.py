"""The comments of ``recipes/cnn.py`` in Chinese (see :mod:`cookbook.recipes.zh`)."""

COMMENTS: dict[str, str] = {
    # parameters
    "full passes over the training images": "训练的轮数：完整遍历训练图像的次数",
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
    "grey-scale images of 28x28 pixels": "28x28 像素的灰度图像",
    "the digits 0..9": "数字 0..9",
    (
        "Images are uint8 arrays of shape (n, 28, 28), 0 for the background up to 255 for ink; the "
        "targets are the digits themselves."
    ): ("图像是形状为 (n, 28, 28) 的 uint8 数组，背景为 0，笔迹最深处为 255；\n目标就是数字本身。"),
    (
        "Conv2D wants an explicit channel axis. Keras's default layout is channels last: (images, "
        "height, width, channels). Pixels are scaled from 0..255 to 0..1."
    ): (
        "Conv2D 需要一个明确的通道轴。Keras 默认通道在后：(图像, 高, 宽, 通道)。\n"
        "像素值从 0..255 缩放到 0..1。"
    ),
    (
        "One-hot targets for the softmax output: a row of ten, with 1 in the digit's column. "
        "Naming the number of classes keeps ten columns even if a split lacked the digit 9."
    ): (
        "为 softmax 输出准备独热编码的目标：每行十列，数字所在的列为 1。\n"
        "写明类别数，即使某个划分里没有数字 9，也仍然是十列。"
    ),
    # network
    "seeds Python, NumPy and the backend together": "一次设置 Python、NumPy 和后端的随机种子",
    (
        "64 filters of 5x5 pixels; each one's weights are shared by every position in the image, "
        "so a pattern it learns to find is found wherever it appears."
    ): (
        "64 个 5x5 像素的卷积核；每个卷积核的权重在图像的所有位置共享，\n"
        "所以它学会找的图案，出现在哪里都能找到。"
    ),
    "Keep the strongest response of every 2x2 block: the 24x24 maps become 12x12.": (
        "每个 2x2 区块只保留最强的响应：24x24 的特征图变成 12x12。"
    ),
    "12 x 12 x 64 feature maps become one vector of 9216 values": (
        "12 x 12 x 64 的特征图展平成一个有 9216 个值的向量"
    ),
    "ten probabilities": "十个概率",
    "cross-entropy for one-hot targets": "独热编码目标的交叉熵",
    # training
    "images per update of the weights": "每更新一次权重所用的图像数",
    "evaluated after every epoch": "每轮结束后评估一次",
    # evaluation
    "The network's answer for an image is the digit with the highest probability.": (
        "网络对一幅图像的回答，是概率最高的那个数字。"
    ),
    "a last, partial batch counts": "最后一个不满的批量也算一次",
    "The score to beat: always answering the most frequent digit gets its share right.": (
        "要超过的基准：一律回答最常见的那个数字，能答对的比例就是它所占的份额。"
    ),
    # saving
    "architecture, weights and optimizer state": "架构、权重和优化器状态",
    # figure
    "the first 32 test images": "前 32 幅测试图像",
}
