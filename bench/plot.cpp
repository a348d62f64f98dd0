// SPDX-License-Identifier: MIT
#include "plot.h"

#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cmath>

bool plotThroughput(
    const QList<int> &sizes, const std::vector<PlotSeries> &series, const QString &file)
{
    // A log-log chart: message size across, messages per second up.
    QImage image(960, 560, QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const QRect area(90, 50, 640, 440);
    double lo = 1e12, hi = 0;
    for (const auto &s : series)
        for (double v : s.rates)
            if (v > 0) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
    const double y0 = std::floor(std::log10(lo)), y1 = std::ceil(std::log10(hi));
    auto px = [&](int i) { return area.left() + area.width() * i / double(sizes.size() - 1); };
    auto py = [&](double v) {
        return area.bottom() - area.height() * (std::log10(v) - y0) / (y1 - y0);
    };
    p.setPen(QColor(220, 220, 220));
    for (double e = y0; e <= y1; ++e)
        p.drawLine(
            QPointF(area.left(), py(std::pow(10, e))), QPointF(area.right(), py(std::pow(10, e))));
    p.setPen(Qt::black);
    p.drawRect(area);
    QFont font = p.font();
    font.setPixelSize(13);
    p.setFont(font);
    for (double e = y0; e <= y1; ++e)
        p.drawText(QRectF(0, py(std::pow(10, e)) - 8, area.left() - 8, 16), Qt::AlignRight,
            QString::number(std::pow(10, e), 'g', 6));
    for (int i = 0; i < sizes.size(); ++i) {
        const int s = sizes[i];
        const QString label = s >= 1048576 ? QStringLiteral("1 MiB")
            : s >= 1024                    ? QStringLiteral("%1 KiB").arg(s / 1024)
                                           : QStringLiteral("%1 B").arg(s);
        p.drawText(QRectF(px(i) - 40, area.bottom() + 6, 80, 18), Qt::AlignHCenter, label);
    }
    p.drawText(QRectF(area.left(), area.bottom() + 28, area.width(), 18), Qt::AlignHCenter,
        QStringLiteral("message size (echoed over loopback)"));
    p.save();
    p.translate(18, area.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-120, -10, 240, 20), Qt::AlignHCenter, QStringLiteral("messages per second"));
    p.restore();
    font.setPixelSize(16);
    font.setBold(true);
    p.setFont(font);
    p.drawText(QRectF(area.left(), 12, area.width(), 24), Qt::AlignLeft,
        QStringLiteral("Echo throughput by message size"));
    font.setPixelSize(13);
    font.setBold(false);
    p.setFont(font);
    int legendY = area.top() + 10;
    for (const auto &s : series) {
        p.setPen(QPen(s.color, 2.5));
        QPolygonF line;
        for (size_t i = 0; i < s.rates.size(); ++i)
            line << QPointF(px(int(i)), py(std::max(s.rates[i], 1.0)));
        p.drawPolyline(line);
        for (const QPointF &pt : line)
            p.drawEllipse(pt, 3, 3);
        p.drawLine(area.right() + 20, legendY, area.right() + 44, legendY);
        p.setPen(Qt::black);
        p.drawText(QPointF(area.right() + 50, legendY + 5), s.name);
        legendY += 24;
    }
    p.end();
    return image.save(file, "PNG");
}
