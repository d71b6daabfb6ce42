def log = new File(basedir, 'build.log').text
assert log.contains('tiny.nlpm:4:11: error: hidden size 100 is not divisible by 3 heads; head counts that divide 100: 1, 2, 4, 5, 10, 20, 25, 50, 100 [NLPM303]')
assert log.contains('nlpm found 1 error in ')
assert !new File(basedir, 'target/generated-sources/nlpm/TinyLayout.java').exists()
return true
