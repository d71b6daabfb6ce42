package dev.nlpm.cli;

import dev.nlpm.runtime.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a metrics file ({@link MetricsLog}) as a PNG with JFreeChart, headless: stacked plots
 * sharing one x axis — the loss when the records have one (else the throughput) above the learning
 * rate. Family-neutral: the caller names the keys.
 */
final class MetricsChart {

  static {
    System.setProperty("java.awt.headless", "true");
    // ImageIO's file cache closes its streams from a shutdown hook it registers on first use.
    ImageIO.setUseCache(false);
  }

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 700;

  private MetricsChart() {}

  /**
   * Draws a small chart in memory, so that Java2D and its fonts start now: they register shutdown
   * hooks as they start, which fails once Ctrl-C has begun the JVM's shutdown.
   */
  static void warmUp() {
    XYSeries series = new XYSeries("x");
    series.add(0, 0);
    series.add(1, 1);
    XYPlot plot = new XYPlot(new XYSeriesCollection(series), new NumberAxis("x"), new NumberAxis("y"),
        new XYLineAndShapeRenderer());
    BufferedImage image =
        new JFreeChart("warm-up", new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false).createBufferedImage(64, 48);
    try {
      ImageIO.write(image, "png", new java.io.ByteArrayOutputStream());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The chart's file name in {@code dir}: {@code loss.png}, or {@code metrics.png} with no loss. */
  static Path file(Path dir, boolean hasLoss) {
    return dir.resolve(hasLoss ? "loss.png" : "metrics.png");
  }

  /**
   * Draws {@code metrics} to {@code loss.png} in {@code dir} if any record has a {@code loss},
   * else to {@code metrics.png}, atomically; returns the file, or null when there is nothing to
   * draw yet.
   *
   * @param x the key along the x axis, e.g. {@code words}
   * @param xLabel its label
   */
  static Path draw(Path metrics, Path dir, String title, String x, String xLabel) throws IOException {
    List<Map<String, Double>> records = MetricsLog.read(metrics);
    if (records.isEmpty()) {
      return null;
    }
    boolean hasLoss = records.stream().anyMatch(r -> r.containsKey("loss"));
    NumberAxis xAxis = new NumberAxis(xLabel);
    xAxis.setAutoRangeIncludesZero(true);
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(xAxis);
    plot.setGap(12);
    if (hasLoss) {
      plot.add(subplot(records, x, "loss", "loss per prediction", new Color(0xC0392B)), 3);
    } else {
      plot.add(subplot(records, x, "words_per_second", "throughput (words/s)", new Color(0x27AE60)), 3);
    }
    plot.add(subplot(records, x, "learning_rate", "learning rate", new Color(0x2E86C1)), 2);
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    BufferedImage image = chart.createBufferedImage(WIDTH, HEIGHT);
    Path file = file(dir, hasLoss);
    AtomicFiles.write(file, stream -> ImageIO.write(image, "png", stream));
    return file;
  }

  private static XYPlot subplot(List<Map<String, Double>> records, String x, String key, String label, Color color) {
    XYSeries series = new XYSeries(key, false, true);
    for (Map<String, Double> record : records) {
      Double xv = record.get(x);
      Double yv = record.get(key);
      if (xv != null && yv != null) {
        series.add(xv, yv);
      }
    }
    NumberAxis yAxis = new NumberAxis(label);
    yAxis.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, series.getItemCount() <= 60);
    renderer.setSeriesPaint(0, color);
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    XYPlot plot = new XYPlot(new XYSeriesCollection(series), null, yAxis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }
}
