# SYNTAX TEST "source.dockerfile" "COPY/ADD heredocs: the body is plain text; several heredocs on one line"
FROM nginx:1.27

COPY <<EOF /usr/share/nginx/html/index.html
# <---- keyword.other.special-method.dockerfile
#    ^^ meta.heredoc.dockerfile keyword.operator.heredoc.dockerfile
#      ^^^ meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile
#         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ meta.heredoc.dockerfile - string.unquoted.heredoc.dockerfile
<p>It's "plain" text, $NOT a variable; RUN is not a keyword here</p>
# <----------------------------------------------------------------- meta.heredoc.dockerfile string.unquoted.heredoc.dockerfile - source.shell string.quoted.single.dockerfile string.quoted.double.dockerfile
# not a comment
# <------------- string.unquoted.heredoc.dockerfile - comment.line.number-sign.dockerfile
EOF
# <--- meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile - string.unquoted.heredoc.dockerfile
COPY --chmod=644 app.conf /etc/app.conf
# <---- keyword.other.special-method.dockerfile - meta.heredoc.dockerfile string.unquoted.heredoc.dockerfile

ADD <<-"CONF" /etc/conf.d/app.conf
# <--- keyword.other.special-method.dockerfile
#   ^^^ keyword.operator.heredoc.dockerfile
#      ^ punctuation.definition.string.begin.dockerfile
#       ^^^^ entity.name.tag.heredoc.dockerfile
#           ^ punctuation.definition.string.end.dockerfile
	key = value
# <------------ string.unquoted.heredoc.dockerfile
	CONF
# <- punctuation.whitespace.heredoc.leading.dockerfile
#^^^^ entity.name.tag.heredoc.dockerfile - string.unquoted.heredoc.dockerfile
ONBUILD COPY <<EOF /onbuild.txt
# <------- keyword.control.dockerfile
#       ^^^^ keyword.other.special-method.dockerfile
#            ^^ keyword.operator.heredoc.dockerfile
text
# <---- string.unquoted.heredoc.dockerfile
EOF
# <--- entity.name.tag.heredoc.dockerfile

# Several heredocs on one line (example from the Dockerfile reference). Bodies follow one another.
COPY <<robots.txt <<humans.txt /usr/share/nginx/html/
# <---- keyword.other.special-method.dockerfile
#    ^^ keyword.operator.heredoc.dockerfile
#      ^^^^^^^^^^ entity.name.tag.heredoc.dockerfile
#                 ^^ keyword.operator.heredoc.dockerfile
#                   ^^^^^^^^^^ entity.name.tag.heredoc.dockerfile
User-agent: *
# <------------- meta.heredoc.dockerfile string.unquoted.heredoc.dockerfile
robots.txt
# <---------- meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile - string.unquoted.heredoc.dockerfile
I'm a human, hello
# <------------------ meta.heredoc.dockerfile string.unquoted.heredoc.dockerfile - string.quoted.single.dockerfile
Single
# <------ meta.heredoc.dockerfile string.unquoted.heredoc.dockerfile
humans.txt
# <---------- meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile - string.unquoted.heredoc.dockerfile
COPY done.txt /
# <---- keyword.other.special-method.dockerfile - meta.heredoc.dockerfile

RUN <<FILE1 cat > /file1 && <<FILE2 cat > /file2
#   ^^ keyword.operator.heredoc.dockerfile
#     ^^^^^ entity.name.tag.heredoc.dockerfile
#                           ^^ keyword.operator.heredoc.dockerfile
#                             ^^^^^ entity.name.tag.heredoc.dockerfile
I am first
# <---------- meta.embedded.block.shellscript source.shell
FILE1
# <----- entity.name.tag.heredoc.dockerfile - source.shell
if true; then
# <-- meta.embedded.block.shellscript source.shell keyword.control.if.shell
fi
# <-- meta.embedded.block.shellscript source.shell keyword.control.fi.shell
FILE2
# <----- meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile - source.shell
RUN echo after
# <--- keyword.other.special-method.dockerfile - meta.heredoc.dockerfile
