#include "loss_plot.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "errors.h"

namespace weft::train {

void plotMetrics(const std::vector<MetricPoint>& points, const std::vector<std::string>& keys,
                 const std::string& pngPath)
{
    struct Series { std::string title; std::vector<std::pair<double, double>> xy; };
    std::vector<Series> series;
    for (const auto& key : keys) {
        std::vector<std::string> stages;
        for (const auto& p : points)
            if (p.values.count(key) && std::find(stages.begin(), stages.end(), p.stage) == stages.end())
                stages.push_back(p.stage);
        for (const auto& stage : stages) {
            Series s{stage + ": " + key, {}};
            for (const auto& p : points)
                if (p.stage == stage && p.values.count(key) && p.values.at(key) > 0)
                    s.xy.emplace_back(static_cast<double>(p.step), p.values.at(key));
            if (!s.xy.empty())
                series.push_back(std::move(s));
        }
    }
    const int panelW = 520, panelH = 300, pad = 40;
    const int rows = std::max<int>(1, static_cast<int>(series.size()));
    cv::Mat img(rows * panelH, panelW, CV_8UC3, cv::Scalar(255, 255, 255));
    for (int i = 0; i < static_cast<int>(series.size()); ++i) {
        const auto& s = series[static_cast<std::size_t>(i)];
        double x0 = s.xy.front().first, x1 = s.xy.back().first;
        double y0 = 1e300, y1 = -1e300;
        for (const auto& [x, y] : s.xy) {
            y0 = std::min(y0, std::log10(y));
            y1 = std::max(y1, std::log10(y));
        }
        if (x1 <= x0) x1 = x0 + 1;
        if (y1 - y0 < 1e-6) { y0 -= 0.5; y1 += 0.5; }
        const int top = i * panelH;
        cv::rectangle(img, {pad, top + pad / 2}, {panelW - pad / 2, top + panelH - pad}, cv::Scalar(180, 180, 180));
        auto map = [&](double x, double y) {
            const double fx = (x - x0) / (x1 - x0), fy = (std::log10(y) - y0) / (y1 - y0);
            return cv::Point(pad + static_cast<int>(fx * (panelW - 1.5 * pad)),
                             top + panelH - pad - static_cast<int>(fy * (panelH - 1.5 * pad)));
        };
        for (std::size_t k = 1; k < s.xy.size(); ++k)
            cv::line(img, map(s.xy[k - 1].first, s.xy[k - 1].second), map(s.xy[k].first, s.xy[k].second),
                     cv::Scalar(200, 80, 30), 1, cv::LINE_AA);
        char label[160];
        std::snprintf(label, sizeof label, "%s  (log10 %.2f..%.2f, step %.0f..%.0f)", s.title.c_str(), y0, y1, x0, x1);
        cv::putText(img, label, {pad, top + panelH - 12}, cv::FONT_HERSHEY_SIMPLEX, 0.4, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
    }
    if (!cv::imwrite(pngPath, img))
        throw IoError("cannot write loss plot " + pngPath);
}

} // namespace weft::train
