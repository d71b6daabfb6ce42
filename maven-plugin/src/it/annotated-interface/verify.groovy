def generated = new File(basedir, 'target/generated-sources/annotations/com/example/TinyGptLayout.java')
assert generated.isFile() : 'the processor generated nothing'
assert generated.text.contains('comments = "from com.example.TinyGpt"')
assert new File(basedir, 'target/classes/com/example/TinyGptLayout.class').isFile()
return true
