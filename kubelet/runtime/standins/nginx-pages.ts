// The pages nginx 1.25 ships and generates, byte for byte.

export const nginxVersion = '1.25.5'

/** /usr/share/nginx/html/index.html of the nginx image (615 bytes). */
export const welcomePage = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`

/** /usr/share/nginx/html/50x.html of the nginx image. */
export const errorPage50x = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
`

/** nginx's built-in error page (ngx_http_special_response.c), CRLF as nginx sends it. */
export function statusPage(status: number, text: string): string {
  return [
    '<html>',
    `<head><title>${status} ${text}</title></head>`,
    '<body>',
    `<center><h1>${status} ${text}</h1></center>`,
    `<hr><center>nginx/${nginxVersion}</center>`,
    '</body>',
    '</html>',
    '',
  ].join('\r\n')
}
